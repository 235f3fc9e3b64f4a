// The spool's commit worker: a thread with its own connection to the database that applies the
// spool's writes (spool-writes.ts) in group commits, so neither the SQL nor the WAL fsync of
// synchronous=FULL runs on the main thread, where it stalled every SMTP session for the length
// of an fsync once per batch. It speaks the store's commit-worker protocol
// (store/sqlite/commit-messages.ts) and is driven by its generic CommitWorkerClient: each write in
// its own savepoint, the answer only after COMMIT has returned (i.e. once the batch is durable).
//
// An enqueue may bring its (small) body: the worker writes and fsyncs each such file and the
// directories that got new names, and only then commits the rows, the same order as the main
// thread's blob writer (file durable first, rows second: a crash leaves at worst an orphan file,
// which the spool sweeps at open). File and directory fsyncs of a batch run side by side: both
// must be done before the rows commit, and a crash before that leaves an unreferenced file
// whatever order they finished in.
//
// A batch's files are started the moment it arrives; when the client keeps two batches in flight
// (spool-committer.ts, batchesInFlight), batch N+1's files are written and fsynced while batch
// N's rows commit. Commits and answers stay in arrival order (one chain).
//
// On a loaded machine every trip through the thread pool can cost a thread its time slice, so a
// body costs one: the file is created and written right here (a small write lands in the page
// cache in microseconds) and only the fsync, which waits for the disk, goes to the pool, where
// the fsyncs of a batch run at once and the file system merges them into one journal commit.

import { closeSync, fsync, openSync, unlink, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BlobBuckets } from '../store/fs/blob-buckets.js';
import { commitBatch } from '../store/sqlite/commit-batch.js';
import { toWireError, type CommitReply, type CommitRequest, type CommitWorkerData, type WireError, type WireOutcome } from '../store/sqlite/commit-messages.js';
import { openDatabase } from '../store/sqlite/database.js';
import { prepareSpoolWrites, type SpoolBodyFile, type SpoolWrite, type SpoolWriteResult } from './spool-writes.js';

if (!parentPort) throw new Error('spool-commit-worker.js runs as a worker thread of the outbound spool');
const port = parentPort;

// The main thread has migrated the queue schema before starting this worker.
const db = openDatabase((workerData as CommitWorkerData).file);
const apply = prepareSpoolWrites(db);
const perWrite = db.transaction((write: SpoolWrite) => apply(write));
/** Per blobs directory (one in practice: DATA/queue/blobs), the hour directories made durably. */
const bucketsByRoot = new Map<string, BlobBuckets>();

/** fsync of an open descriptor, on the thread pool. */
function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

async function fsyncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

function bucketsOf(blobsDir: string): BlobBuckets {
  let buckets = bucketsByRoot.get(blobsDir);
  if (!buckets) bucketsByRoot.set(blobsDir, buckets = new BlobBuckets(blobsDir, fsyncDirectory));
  return buckets;
}

/** Creates and fills one body file (its hour directory exists); returns its open descriptor. */
function createBodyFile(body: SpoolBodyFile): number {
  // "wx": the id is fresh; an existing file means something is badly wrong, never reuse it.
  const fd = openSync(body.file, 'wx', 0o640);
  try {
    for (let done = 0; done < body.bytes.length;) done += writeSync(fd, body.bytes, done, body.bytes.length - done);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

async function syncAndClose(fd: number): Promise<void> {
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** A batch whose files are durable (or failed, per message), ready for its rows' commit. */
interface PreparedBatch {
  writes: SpoolWrite[];
  outcomes: WireOutcome<SpoolWriteResult>[];
  /** Indexes of the writes whose rows are to be committed. */
  toCommit: number[];
  /** Set when the batch cannot be committed at all. */
  failed?: WireError;
}

/** Writes and fsyncs the bodies the batch brings, and the directories that got their names. */
async function prepareFiles(writes: SpoolWrite[]): Promise<PreparedBatch> {
  const outcomes: WireOutcome<SpoolWriteResult>[] = new Array(writes.length);
  // A failure is this message's only: its rows are not written; the caller removes what is left
  // of its file.
  const fail = (i: number, err: unknown) => { outcomes[i] = { ok: false, error: toWireError(err) }; };
  const bodies = writes.map((w) => (w.kind === 'enqueue' ? w.body : undefined));
  // The hour directories first (known already, but for the first message of each hour).
  await Promise.all(bodies.map((body, i) => body && bucketsOf(body.blobsDir).ensure(body).catch((err: unknown) => fail(i, err))));
  const dirs = new Set<string>();
  const syncs: Promise<void>[] = [];
  bodies.forEach((body, i) => {
    if (!body || outcomes[i]) return;
    try {
      const fd = createBodyFile(body);
      dirs.add(body.hourDir);
      syncs.push(syncAndClose(fd).catch((err: unknown) => fail(i, err)));
    } catch (err) {
      fail(i, err);
    }
  });
  // Every name exists now, so one fsync of each directory covers them, side by side with the files'.
  const dirSyncs = Promise.all([...dirs].map(fsyncDirectory));
  await Promise.all(syncs);
  try {
    // The new names durable before any row can point at them.
    await dirSyncs;
  } catch (err) {
    return { writes, outcomes, toCommit: [], failed: toWireError(err) };
  }
  return { writes, outcomes, toCommit: writes.map((_, i) => i).filter((i) => !outcomes[i]) };
}

/** Commits the rows of a prepared batch; the answer, and the finished messages' files to unlink. */
function commitPrepared(batch: number, prepared: PreparedBatch): { reply: CommitReply<SpoolWriteResult>; remove: string[] } {
  const { writes, outcomes, toCommit } = prepared;
  if (prepared.failed) return { reply: { batch, failed: prepared.failed }, remove: [] };
  try {
    const committed = commitBatch(db, perWrite, toCommit.map((i) => writes[i]!));
    const remove: string[] = [];
    committed.forEach((o, k) => {
      const i = toCommit[k]!;
      const write = writes[i]!;
      if (!o.ok) { outcomes[i] = { ok: false, error: toWireError(o.err) }; return; }
      outcomes[i] = { ok: true, value: o.value };
      // Rows first (committed now), file second: a finished message's body goes in this trip too.
      if ('bodyFile' in write && write.bodyFile && (o.value.finished || write.kind === 'delete')) {
        remove.push(write.bodyFile);
        o.value.fileRemoved = true;
      }
    });
    return { reply: { batch, outcomes }, remove };
  } catch (err) {
    return { reply: { batch, failed: toWireError(err) }, remove: [] };
  }
}

/**
 * Removes finished messages' files after the reply has gone: their rows are committed, so the
 * files are unreferenced already, and the enqueues of the same batch need not wait for the
 * unlinks. One that fails (not ENOENT) is left to the spool's sweep of unreferenced files.
 */
function removeFiles(files: string[]): void {
  for (const file of files) unlink(file, () => undefined);
}

/** The last batch's commit and answer: the next batch commits after it, whatever its files do. */
let previous: Promise<void> = Promise.resolve();

port.on('message', (request: CommitRequest<SpoolWrite>) => {
  // Started now, beside an earlier batch that may be waiting for its commit.
  const files = prepareFiles(request.jobs).catch((err: unknown): PreparedBatch => ({ writes: request.jobs, outcomes: [], toCommit: [], failed: toWireError(err) }));
  previous = previous.then(() => files).then((prepared) => {
    const { reply, remove } = commitPrepared(request.batch, prepared);
    port.postMessage(reply);
    removeFiles(remove);
  });
});
