// The commit worker: a thread with its own connection to the database file that applies the
// group-commit transactions (message rows, UID/MODSEQ, blob row, search text), so neither the
// SQL nor the WAL fsync of synchronous=FULL runs on the main thread. WAL lets the main thread's
// connection keep reading meanwhile. The main-thread side is commit-worker-client.ts; it sends
// one batch at a time and this thread answers each one after its COMMIT has returned.

import { parentPort, workerData } from 'node:worker_threads';
import { commitBatch } from './commit-batch.js';
import { toWireError, type CommitReply, type CommitRequest, type CommitWorkerData } from './commit-messages.js';
import { openDatabase } from './database.js';
import { applyDelivery, type DeliveredCopy, type DeliveryJob } from './deliver-message.js';
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
const perJob = db.transaction((job: DeliveryJob) => applyDelivery({ statements, createStandardFolders, now }, job));

port.on('message', (request: CommitRequest<DeliveryJob>) => {
  batchTime = new Date(request.now);
  let reply: CommitReply<DeliveredCopy[]>;
  try {
    const outcomes = commitBatch(db, perJob, request.jobs);
    reply = { batch: request.batch, outcomes: outcomes.map((o) => (o.ok ? o : { ok: false, error: toWireError(o.err) })) };
  } catch (err) {
    reply = { batch: request.batch, failed: toWireError(err) };
  }
  port.postMessage(reply);
});
