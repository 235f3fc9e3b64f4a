// Group commit for SQLite writes. With synchronous=FULL every transaction costs an fsync of the
// WAL; messages arriving in the same event-loop turn share one transaction instead, so a burst
// of enqueues costs one fsync, not one each (the same idea as directory-sync-barrier.ts).

import type { Db } from '../store/sqlite/database.js';

interface Pending {
  work: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class TransactionBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Transactions run so far; tests read it to see batching work. */
  readonly stats = { requests: 0, transactions: 0 };

  constructor(private readonly db: Db) {}

  /** Runs `work` inside a transaction; resolves once that transaction has committed. */
  run(work: () => void): Promise<void> {
    this.stats.requests++;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ work, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.stats.transactions++;
    try {
      this.db.transaction(() => { for (const item of batch) item.work(); }).immediate();
    } catch (err) {
      // One bad item must not fail its neighbours: retry each alone so only the culprit rejects.
      if (batch.length === 1) { batch[0]!.reject(err); return; }
      for (const item of batch) {
        try {
          this.db.transaction(item.work).immediate();
          item.resolve();
        } catch (itemErr) {
          item.reject(itemErr);
        }
      }
      return;
    }
    for (const item of batch) item.resolve();
  }
}
