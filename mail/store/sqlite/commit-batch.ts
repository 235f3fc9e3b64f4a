// One group commit: a batch of jobs in a single BEGIN IMMEDIATE ... COMMIT, each job in its own
// savepoint, so one failing job (bad folder, constraint, trigger) is rolled back and reported
// alone while the rest of the batch commits. With synchronous=FULL the COMMIT is the WAL fsync
// that the whole batch shares.

import type { Db } from './database.js';

export type JobOutcome<R> = { ok: true; value: R } | { ok: false; err: unknown };

/**
 * Applies `jobs` in one transaction. `perJob` must be a `db.transaction(...)` function, which
 * nested inside this one becomes a savepoint. Returns one outcome per job, in order, once the
 * transaction has committed; throws when the batch failed as a whole (BEGIN or COMMIT failed,
 * or a job's error ended the transaction), in which case nothing of it was stored.
 */
export function commitBatch<J, R>(db: Db, perJob: (job: J) => R, jobs: readonly J[]): JobOutcome<R>[] {
  const outcomes: JobOutcome<R>[] = [];
  db.transaction(() => {
    for (const job of jobs) {
      try {
        outcomes.push({ ok: true, value: perJob(job) });
      } catch (err) {
        // Some errors (disk full, I/O, RAISE(ROLLBACK)) end the whole transaction, not just the
        // savepoint. Running on would commit the remaining jobs one by one behind the batch's
        // back, so the batch fails as a whole instead.
        if (!db.inTransaction) throw err;
        outcomes.push({ ok: false, err });
      }
    }
  }).immediate();
  return outcomes;
}
