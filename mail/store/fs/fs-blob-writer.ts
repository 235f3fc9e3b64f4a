// Writes one blob: bytes go straight to their final name in the bucket directory, then commit()
// makes file and directory entry durable. No tmp file and no rename: a rename costs a syscall and
// a second directory's journal update per message, and buys nothing here, because a blob is only
// reachable through an index row that is written after commit() resolves. A file a crash leaves
// half-written is an orphan like any other blob without a row, and the startup sweeps
// (MailStore.sweepOrphanBlobs, the queue spool's) remove it once it is old enough. So the file
// exists under its id while it is written; after abort() it is gone.
//
// The file is created as soon as the writer is (while the client is still sending the body), so
// the open does not wait behind the end of DATA, and its close is a plain close(2) on the main
// thread once the bytes are durable (no trip through the pool). Every step between the end of DATA and the 250 is a trip
// through libuv's thread pool and back, and on a busy machine each trip costs a wake-up and a
// place in the run queue, so the common case is cut to one: the file is opened with O_SYNC, and a
// body that fits the 64 KB write buffer (most mail) goes out at commit() in a single write that
// returns only once data and metadata are on disk (the same guarantee as write + fsync, POSIX
// "synchronized I/O file integrity completion"). A larger body would pay that wait for every
// 64 KB, so at its first mid-body write it switches to a plain descriptor and one fsync at commit.

import { closeSync, constants, fsync, open, unlink, write } from 'node:fs';
import type { BlobWriter } from '../contracts.js';
import { MailroomError } from '../../../core/errors.js';
import type { BlobLocation } from './blob-layout.js';

const WRITE_BUFFER_BYTES = 64 * 1024;
// "x" (O_EXCL): the id is fresh, so an existing file means something is badly wrong; never reuse it.
const CREATE_SYNC = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_SYNC;
const REOPEN_PLAIN = constants.O_WRONLY;

export interface BlobWriterContext {
  location: BlobLocation;
  /** Creates the bucket directory (durably) if it does not exist yet. */
  ensureBucket(location: BlobLocation): Promise<void>;
  syncDirectory(dir: string): Promise<void>;
}

// The callback API with plain descriptors: at thousands of blobs a second, FileHandle objects
// (and their finalisation tracking) cost measurable main-thread time.
function call<T>(fn: (done: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

function closeQuietly(fd: number): void {
  // Nothing depends on close(): the bytes were already made durable (or are being discarded).
  // Closed right here, not through libuv's pool: closing a local file that has no dirty pages
  // (O_SYNC, or fsync'd) does not wait for the disk, and a trip through the pool costs a
  // hand-off to a pool thread and a wake-up of the main thread again for every message.
  try {
    closeSync(fd);
  } catch {
    // EBADF/EIO from close: the descriptor is gone either way, and durability was settled before.
  }
}

export class FsBlobWriter implements BlobWriter {
  /** The descriptor being opened or open; null once closed (or handed to close). */
  private fd: Promise<number> | null;
  /** The open of `fd` succeeded: only then is the file ours to remove. */
  private created = false;
  /** `fd` was opened with O_SYNC: each write returns only once it is durable. */
  private synchronous = true;
  /** The directory fsync of the name, requested by commit(). */
  private directory: Promise<void> | null = null;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** Bytes written to the file so far (the offset of the next write). */
  private written = 0;
  private size = 0;
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  /** Writes run one after another even if a caller does not await them. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly id: string, private readonly ctx: BlobWriterContext) {
    this.fd = this.create();
    // Failures surface at the first write or at commit(), not as an unhandled rejection.
    this.fd.catch(() => undefined);
  }

  write(chunk: Buffer): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new MailroomError('blob_closed', `blob ${this.id} is no longer open for writing`));
    this.size += chunk.length;
    // Copied: the caller may reuse its buffer once this promise resolves, before the bytes hit the file.
    this.buffered.push(Buffer.from(chunk));
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes < WRITE_BUFFER_BYTES) return this.queue;
    return this.enqueue(async () => {
      // A large body: plain writes from here on, one fsync at commit().
      if (this.synchronous) await this.reopenPlain();
      await this.flush();
    });
  }

  async commit(): Promise<{ id: string; size: number }> {
    if (this.state !== 'open') throw new MailroomError('blob_closed', `blob ${this.id} cannot be committed twice or after abort`);
    this.state = 'committing';
    try {
      await this.enqueue(async () => {
        const fd = await this.descriptor();
        const wroteSynchronously = this.synchronous && this.bufferedBytes > 0;
        // The name exists (open() made it), so a directory fsync that starts now covers it. It
        // runs alongside the file's sync on purpose: on ext4 both wait for the same journal
        // commit, where a directory fsync started earlier (at open) forced a commit of its own.
        const directory = this.ctx.syncDirectory(this.ctx.location.hourDir);
        directory.catch(() => undefined);
        this.directory = directory;
        await this.flush();
        // Written with O_SYNC: durable already. Otherwise (a large body, or an empty one that
        // never wrote) the fsync makes data and inode durable.
        if (!wroteSynchronously) await call((done) => fsync(fd, done));
        this.fd = null;
        closeQuietly(fd);
      });
      await this.directory;
      // An abort() while committing removed the file: this blob must not be reported durable.
      if (this.state !== 'committing') throw new MailroomError('blob_closed', `blob ${this.id} was aborted while committing`);
      this.state = 'committed';
      return { id: this.id, size: this.size };
    } catch (err) {
      await this.discard();
      throw err;
    }
  }

  async abort(): Promise<void> {
    const wasCommitted = this.state === 'committed';
    this.state = 'aborted';
    await this.queue.catch(() => undefined);
    if (wasCommitted) await call((done) => unlink(this.ctx.location.file, done)).catch(ignoreMissing);
    else await this.discard();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task);
    // A failed write fails this call and every later one; commit() reports it.
    this.queue = next;
    return next;
  }

  private async create(): Promise<number> {
    await this.ctx.ensureBucket(this.ctx.location);
    const fd = await call<number>((done) => open(this.ctx.location.file, CREATE_SYNC, 0o640, done));
    this.created = true;
    return fd;
  }

  private descriptor(): Promise<number> {
    if (!this.fd) throw new MailroomError('blob_closed', `blob ${this.id} has no open file`);
    return this.fd;
  }

  /** Swaps the O_SYNC descriptor for a plain one on the same file (nothing was written yet). */
  private async reopenPlain(): Promise<void> {
    const syncFd = await this.descriptor();
    const plain = call<number>((done) => open(this.ctx.location.file, REOPEN_PLAIN, done));
    this.fd = plain;
    this.synchronous = false;
    closeQuietly(syncFd);
    await plain;
  }

  private async flush(): Promise<void> {
    if (this.bufferedBytes === 0) return;
    const data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    const fd = await this.descriptor();
    let done = 0;
    while (done < data.length) {
      const from = done;
      // Positioned writes: the offset does not depend on which descriptor wrote before.
      done += await call<number>((cb) => write(fd, data, from, data.length - from, this.written + from, cb));
    }
    this.written += data.length;
  }

  private async discard(): Promise<void> {
    this.buffered = [];
    this.bufferedBytes = 0;
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) {
      const opened = await fd.catch(() => null);
      if (opened !== null) closeQuietly(opened);
    }
    if (this.created) await call((done) => unlink(this.ctx.location.file, done)).catch(ignoreMissing);
  }
}

export function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
