// The commit worker: a thread with its own connection to the database file that applies the
// group-commit transactions (message rows, UID/MODSEQ, blob row, search text), so neither the
// SQL nor the WAL fsync of synchronous=FULL runs on the main thread. It also indexes the small
// bodies that arrive as bytes (job-index.ts), before its transaction begins. WAL lets the main thread's
// connection keep reading meanwhile. The main-thread side is commit-worker-client.ts; it sends
// one batch at a time and this thread answers each one after its COMMIT has returned.

import { parentPort, workerData } from 'node:worker_threads';
import { commitBatch } from './commit-batch.js';
import { toWireError, type CommitReply, type CommitRequest, type CommitWorkerData } from './commit-messages.js';
import { openDatabase } from './database.js';
import { applyDelivery, type DeliveredCopy, type DeliveryJob, type IndexedDeliveryJob } from './deliver-message.js';
import { indexedJob } from './job-index.js';
import { prepareMailStatements } from './mail-statements.js';
import { standardFoldersTransaction } from './standard-folders.js';

if (!parentPort) throw new Error('commit-worker.js runs as a worker thread of the mail store');
const port = parentPort;

// The main thread has migrated the schema before starting this worker.
const db = openDatabase((workerData as CommitWorkerData).file);
const statements = prepareMailStatements(db);
let batchTime = new Date();
const now = (): Date => batchTime;
const createStandardFolders = standardFoldersTransaction(db, statements, now);
/** A job ready for the transaction, or the reason it cannot be stored (its outcome alone fails). */
type Prepared = IndexedDeliveryJob | { failed: unknown };
function prepare(job: DeliveryJob): Prepared {
  try {
    return indexedJob(job);
  } catch (err) {
    return { failed: err };
  }
}
const perJob = db.transaction((job: Prepared) => {
  if ('failed' in job) throw job.failed;
  return applyDelivery({ statements, createStandardFolders, now }, job);
});

port.on('message', (request: CommitRequest<DeliveryJob>) => {
  batchTime = new Date(request.now);
  let reply: CommitReply<DeliveredCopy[]>;
  try {
    // Indexed before BEGIN, so the write lock is not held while bodies are parsed.
    const outcomes = commitBatch(db, perJob, request.jobs.map(prepare));
    reply = { batch: request.batch, outcomes: outcomes.map((o) => (o.ok ? o : { ok: false, error: toWireError(o.err) })) };
  } catch (err) {
    reply = { batch: request.batch, failed: toWireError(err) };
  }
  port.postMessage(reply);
});
