// Group commit for SQLite. With synchronous=FULL every transaction costs a WAL fsync, and the
// disk does a few thousand of those per second at best, so one transaction per delivery would
// cap the whole server there. Instead, jobs queue up and are applied together: a flush runs on
// the next turn of the event loop (or after `windowMs`), taking everything queued by then, in one
// BEGIN IMMEDIATE ... COMMIT. Each job runs in its own savepoint, so one failing job (bad folder,
// constraint) is rolled back and rejected alone while the rest of the batch commits.
//
// better-sqlite3 is synchronous: while a batch commits, the event loop waits, and the deliveries
// that finish meanwhile form the next batch. Batches grow with load by themselves.

import type { Db } from './database.js';

interface Pending<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitStats {
  /** SQLite transactions committed by the queue. */
  transactions: number;
  /** Jobs committed (successfully) by them. */
  jobs: number;
  largestBatch: number;
}

export class GroupCommitQueue<J, R> {
  private pending: Pending<J, R>[] = [];
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats: GroupCommitStats = { transactions: 0, jobs: 0, largestBatch: 0 };
  private readonly perJob: (job: J) => R;

  constructor(
    private readonly db: Db,
    apply: (job: J) => R,
    private readonly options: { windowMs?: number; maxBatch?: number } = {},
  ) {
    this.perJob = db.transaction((job: J) => apply(job));
  }

  /** Resolves once the job's transaction has committed (durably, given synchronous=FULL). */
  enqueue(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or being committed. */
  idle(): Promise<void> {
    if (!this.scheduled && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const windowMs = this.options.windowMs ?? 0;
    if (windowMs > 0) setTimeout(() => this.flush(), windowMs);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.options.maxBatch ?? 1000);
    const outcomes: ({ ok: true; value: R } | { ok: false; err: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: this.perJob(p.job) }); // nested: a savepoint
          } catch (err) {
            // Some errors (disk full, I/O, RAISE(ROLLBACK)) end the whole transaction, not just the
            // savepoint. Running on would commit the remaining jobs one by one behind the batch's
            // back, so the batch fails as a whole instead.
            if (!this.db.inTransaction) throw err;
            outcomes.push({ ok: false, err });
          }
        }
      }).immediate();
      this.stats.transactions++;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (o.ok) {
          this.stats.jobs++;
          p.resolve(o.value);
        } else {
          p.reject(o.err);
        }
      });
    } catch (err) {
      // BEGIN or COMMIT failed (busy, disk full, I/O error): nothing of the batch was stored.
      for (const p of batch) p.reject(err);
    }
    this.scheduled = false;
    if (this.pending.length > 0) {
      this.schedule();
    } else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
