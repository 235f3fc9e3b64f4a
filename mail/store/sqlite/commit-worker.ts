// The commit worker: a thread with its own connection to the database file that applies the
// group-commit transactions (message rows, UID/MODSEQ, blob row, search text, a small body's
// bytes), so neither the SQL nor the WAL fsync of synchronous=FULL runs on the main thread.
// Between batches it moves small bodies from the intake to their blob files (body-spill.ts). It also indexes the small
// bodies that arrive as bytes (job-index.ts), before its transaction begins. WAL lets the main thread's
// connection keep reading meanwhile. The main-thread side is commit-worker-client.ts; it sends
// one batch at a time and this thread answers each one after its COMMIT has returned.

import { parentPort, workerData } from 'node:worker_threads';
import { BodySpill } from './body-spill.js';
import { commitBatch } from './commit-batch.js';
import { toWireError, type CommitReply, type CommitRequest, type CommitWorkerData, type ControlReply, type ControlRequest, type WorkerNotice } from './commit-messages.js';
import { openDatabase } from './database.js';
import { applyDelivery, type DeliveredCopy, type DeliveryJob, type IndexedDeliveryJob } from './deliver-message.js';
import { indexedJob } from './job-index.js';
import { prepareMailStatements } from './mail-statements.js';
import { standardFoldersTransaction } from './standard-folders.js';

if (!parentPort) throw new Error('commit-worker.js runs as a worker thread of the mail store');
const port = parentPort;

// The main thread has migrated the schema before starting this worker.
const data = workerData as CommitWorkerData;
const db = openDatabase(data.file);
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

const spill = data.spillTo
  ? new BodySpill({ db, blobsDir: data.spillTo, ...(data.spillQuietMs !== undefined ? { quietMs: data.spillQuietMs } : {}), warn: (message, fields) => port.postMessage({ notice: { message, fields } } satisfies WorkerNotice) })
  : null;

function control(request: ControlRequest): void {
  const answer = (reply: ControlReply) => port.postMessage(reply);
  if (request.op !== 'drain-intake') {
    answer({ control: request.control, error: toWireError(new Error(`unknown control request ${request.op}`)) });
    return;
  }
  (spill ? spill.drain() : Promise.resolve()).then(
    () => answer({ control: request.control, ok: true }),
    (err: unknown) => answer({ control: request.control, error: toWireError(err) }),
  );
}

port.on('message', (request: CommitRequest<DeliveryJob> | ControlRequest) => {
  if ('control' in request) return control(request);
  batchTime = new Date(request.now);
  let reply: CommitReply<DeliveredCopy[]>;
  let inlineRows = 0;
  let inlineBytes = 0;
  try {
    // Indexed before BEGIN, so the write lock is not held while bodies are parsed.
    const prepared = request.jobs.map(prepare);
    const outcomes = commitBatch(db, perJob, prepared);
    outcomes.forEach((o, i) => {
      const job = prepared[i]!;
      if (o.ok && !('failed' in job) && job.inlineBody) {
        inlineRows++;
        inlineBytes += job.inlineBody.byteLength;
      }
    });
    reply = { batch: request.batch, outcomes: outcomes.map((o) => (o.ok ? o : { ok: false, error: toWireError(o.err) })) };
  } catch (err) {
    reply = { batch: request.batch, failed: toWireError(err) };
  }
  port.postMessage(reply);
  // After the reply: moving bodies to their files never delays a 250.
  spill?.committed(inlineRows, inlineBytes);
});
