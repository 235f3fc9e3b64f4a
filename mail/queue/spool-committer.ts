// Where the spool's writes are committed. With a database file (the daemon, the CLI) they go to
// the spool's commit worker thread through the mail store's CommitWorkerClient: group commit
// across every session, and the main thread never waits for SQLite's fsync. Without one (an
// in-memory database) or when asked (`commitWorker: false`), they commit on the main thread,
// batched per event-loop turn by TransactionBatcher. Either way a write's promise resolves only
// once its transaction has committed with synchronous=FULL, i.e. once it is durable.

import { silentLogger, type Logger } from '../../core/log.js';
import { CommitWorkerClient } from '../store/sqlite/commit-worker-client.js';
import type { Db } from '../store/sqlite/database.js';
import { prepareSpoolWrites, type SpoolWrite, type SpoolWriteResult } from './spool-writes.js';
import { TransactionBatcher } from './transaction-batcher.js';

export interface SpoolCommitter {
  /** Applies the write in a transaction; resolves once that transaction is durable. */
  run(write: SpoolWrite): Promise<SpoolWriteResult>;
  /** Waits for the writes in flight and stops the worker, if any. */
  close(): Promise<void>;
  readonly stats: { readonly requests: number; readonly transactions: number };
  /** Whether an enqueue may carry its body (SpoolBodyFile) for the committer to write. */
  readonly writesFiles: boolean;
}

const WORKER_URL = new URL('./spool-commit-worker.js', import.meta.url);

/** On the main thread, one transaction per event-loop turn. */
export function mainThreadCommitter(db: Db): SpoolCommitter {
  const batcher = new TransactionBatcher(db);
  const apply = prepareSpoolWrites(db);
  return {
    stats: batcher.stats,
    writesFiles: false,
    async run(write) {
      let result!: SpoolWriteResult;
      await batcher.run(() => { result = apply(write); });
      return result;
    },
    async close() { /* nothing runs in the background */ },
  };
}

/**
 * One batch in flight by default. With `batchesInFlight: 2` the worker writes and fsyncs the body
 * files of the next batch while the previous one's rows commit (spool-commit-worker.ts). Measured
 * in the outbound bench (bench/results/outbound.md, session 5) that did not bring the 250 sooner
 * and cost CPU: batches got smaller, so there were more commits (WAL fsyncs) and more trips per
 * message. Kept as an option for a disk where an fsync is slow enough for the overlap to pay.
 */
export const DEFAULT_BATCHES_IN_FLIGHT = 1;

/** On the spool's commit worker, through the store's generic client. */
export function workerCommitter(db: Db, options: { logger?: Logger; workerUrl?: URL; batchesInFlight?: number } = {}): SpoolCommitter {
  const exists = db.prepare('SELECT 1 FROM queue_messages WHERE id = ?');
  let requests = 0;
  const client = new CommitWorkerClient<SpoolWrite, SpoolWriteResult>({
    file: db.name,
    logger: options.logger ?? silentLogger,
    now: () => new Date(),
    workerUrl: options.workerUrl ?? WORKER_URL,
    // The worker died with a batch in hand: its connection is gone, so the batch committed whole
    // or not at all. Only an enqueue can tell from the rows (its message row exists); any other
    // write reports a TemporaryError, which leaves the spool as it would be after a crash at that
    // point (recipients still due are tried again; a finished message's file is swept at open).
    committedResult: (write) => {
      if (write.kind !== 'enqueue' || !exists.get(write.id)) return null;
      return { finished: false, changes: 1 + write.recipients.length };
    },
    maxInFlight: options.batchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT,
  });
  return {
    get stats() { return { requests, transactions: client.stats.transactions }; },
    writesFiles: true,
    run(write) {
      requests++;
      return client.enqueue(write);
    },
    close: () => client.close(),
  };
}
