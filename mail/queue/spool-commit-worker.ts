// The spool's commit worker: a thread with its own connection to the database that applies the
// spool's writes (spool-writes.ts) in group commits, so neither the SQL nor the WAL fsync of
// synchronous=FULL runs on the main thread, where it stalled every SMTP session for the length
// of an fsync once per batch. It speaks the mail store's commit-worker protocol
// (store/sqlite/commit-messages.ts), so the store's CommitWorkerClient drives it unchanged: one
// batch in flight, what arrives meanwhile goes as the next batch, each write in its own
// savepoint, the answer only after COMMIT has returned (i.e. once the batch is durable).
//
// An enqueue may bring its (small) body: the worker writes and fsyncs each such file, fsyncs each
// directory once for the batch, and only then commits the rows, the same order as the main
// thread's blob writer (file durable first, rows second: a crash leaves at worst an orphan file,
// which the spool sweeps at open). On a loaded machine every trip through the thread pool can
// cost the event loop its time slice; this way a message costs one trip, not six.

import { mkdir, open, unlink } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { commitBatch } from '../store/sqlite/commit-batch.js';
import { toWireError, type CommitReply, type CommitRequest, type CommitWorkerData, type WireOutcome } from '../store/sqlite/commit-messages.js';
import { openDatabase } from '../store/sqlite/database.js';
import { prepareSpoolWrites, type SpoolBodyFile, type SpoolWrite } from './spool-writes.js';

if (!parentPort) throw new Error('spool-commit-worker.js runs as a worker thread of the outbound spool');
const port = parentPort;

// The main thread has migrated the queue schema before starting this worker.
const db = openDatabase((workerData as CommitWorkerData).file);
const apply = prepareSpoolWrites(db);
const perWrite = db.transaction((write: SpoolWrite) => apply(write));
/** Hour directories known to exist durably (the promise that made them so). */
const buckets = new Map<string, Promise<void>>();

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir that says whether it created the directory (then its name must be made durable). */
async function makeDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o750 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function ensureBucket(body: SpoolBodyFile): Promise<void> {
  let ready = buckets.get(body.hourDir);
  if (!ready) {
    ready = (async () => {
      if (await makeDir(body.dayDir)) await fsyncDirectory(body.blobsDir);
      if (await makeDir(body.hourDir)) await fsyncDirectory(body.dayDir);
    })();
    ready.catch(() => buckets.delete(body.hourDir));
    buckets.set(body.hourDir, ready);
    if (buckets.size > 8) buckets.delete(buckets.keys().next().value!);
  }
  return ready;
}

/**
 * Writes and fsyncs one body. The files of a batch are written side by side on the thread pool,
 * as the main thread's blob writers would be: the file system merges fsyncs that run together
 * into one journal commit, where one after another each would wait for its own.
 */
async function writeBodyFile(body: SpoolBodyFile): Promise<void> {
  await ensureBucket(body);
  // "wx": the id is fresh; an existing file means something is badly wrong, never reuse it.
  const handle = await open(body.file, 'wx', 0o640);
  try {
    await handle.writeFile(body.bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes finished messages' files after the reply has gone: their rows are committed, so the
 * files are unreferenced already, and the enqueues of the same batch need not wait for the
 * unlinks. One that fails (not ENOENT) is left to the spool's sweep of unreferenced files.
 */
function removeFiles(files: string[]): void {
  for (const file of files) unlink(file).catch(() => undefined);
}

async function handle(request: CommitRequest): Promise<{ reply: CommitReply; remove: string[] }> {
  // The store's wire types name its own jobs; on this worker they carry SpoolWrites.
  const writes = request.jobs as unknown as SpoolWrite[];
  const outcomes: WireOutcome[] = new Array(writes.length);
  const dirs = new Set<string>();
  const written = await Promise.all(writes.map(async (write, i) => {
    if (write.kind !== 'enqueue' || !write.body) return true;
    try {
      await writeBodyFile(write.body);
      dirs.add(write.body.hourDir);
      return true;
    } catch (err) {
      // This message only: its rows are not written; the caller removes what is left of the file.
      outcomes[i] = { ok: false, error: toWireError(err) };
      return false;
    }
  }));
  const toCommit = writes.map((_, i) => i).filter((i) => written[i]);
  try {
    // The new names durable before any row can point at them.
    await Promise.all([...dirs].map(fsyncDirectory));
    const committed = commitBatch(db, perWrite, toCommit.map((i) => writes[i]!));
    const remove: string[] = [];
    committed.forEach((o, k) => {
      const i = toCommit[k]!;
      const write = writes[i]!;
      if (!o.ok) { outcomes[i] = { ok: false, error: toWireError(o.err) }; return; }
      outcomes[i] = { ok: true, value: o.value as never };
      // Rows first (committed now), file second: a finished message's body goes in this trip too.
      if ('bodyFile' in write && write.bodyFile && (o.value.finished || write.kind === 'delete')) {
        remove.push(write.bodyFile);
        o.value.fileRemoved = true;
      }
    });
    return { reply: { batch: request.batch, outcomes }, remove };
  } catch (err) {
    return { reply: { batch: request.batch, failed: toWireError(err) }, remove: [] };
  }
}

port.on('message', (request: CommitRequest) => {
  void handle(request).then(({ reply, remove }) => {
    port.postMessage(reply);
    removeFiles(remove);
  });
});
