// Writes one blob: bytes go straight to their final name in the bucket directory (small writes
// coalesced into 64 KB ones; a message smaller than that is one open, one write), then commit()
// fsyncs the file and waits for the shared directory fsync. No tmp file and no rename: a rename
// costs a syscall and a second directory's journal update per message, and buys nothing here,
// because a blob is only reachable through an index row that is written after commit() resolves.
// A file a crash leaves half-written is an orphan like any other blob without a row, and the
// startup sweeps (MailStore.sweepOrphanBlobs, the queue spool's) remove it once it is old enough.
// So the file exists under its id while it is written; after abort() it is gone.

import { close, fsync, open, unlink, write } from 'node:fs';
import type { BlobWriter } from '../contracts.js';
import { MailroomError } from '../../../core/errors.js';
import type { BlobLocation } from './blob-layout.js';

const WRITE_BUFFER_BYTES = 64 * 1024;

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

export class FsBlobWriter implements BlobWriter {
  private fd: number | null = null;
  /** open() created the file: only then is it ours to remove. */
  private created = false;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private size = 0;
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  /** Writes run one after another even if a caller does not await them. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly id: string, private readonly ctx: BlobWriterContext) {}

  write(chunk: Buffer): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new MailroomError('blob_closed', `blob ${this.id} is no longer open for writing`));
    this.size += chunk.length;
    // Copied: the caller may reuse its buffer once this promise resolves, before the bytes hit the file.
    this.buffered.push(Buffer.from(chunk));
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes < WRITE_BUFFER_BYTES) return this.queue;
    return this.enqueue(() => this.flush());
  }

  async commit(): Promise<{ id: string; size: number }> {
    if (this.state !== 'open') throw new MailroomError('blob_closed', `blob ${this.id} cannot be committed twice or after abort`);
    this.state = 'committing';
    try {
      let fd!: number;
      let directory!: Promise<void>;
      await this.enqueue(async () => {
        await this.flush();
        fd = await this.file();
        // The name exists since open(): its directory fsync runs alongside the file's fsync
        // (both are done before commit() resolves; their order does not matter).
        directory = this.ctx.syncDirectory(this.ctx.location.hourDir);
        directory.catch(() => undefined);
        await call((done) => fsync(fd, done));
        this.fd = null;
      });
      await Promise.all([call((done) => close(fd, done)), directory]);
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

  private async file(): Promise<number> {
    if (this.fd !== null) return this.fd;
    await this.ctx.ensureBucket(this.ctx.location);
    // "wx": the id is fresh, so an existing file means something is badly wrong; never reuse it.
    this.fd = await call<number>((done) => open(this.ctx.location.file, 'wx', 0o640, done));
    this.created = true;
    return this.fd;
  }

  private async flush(): Promise<void> {
    if (this.bufferedBytes === 0 && this.fd !== null) return;
    const data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    const fd = await this.file();
    let written = 0;
    while (written < data.length) {
      const from = written;
      written += await call<number>((done) => write(fd, data, from, data.length - from, null, done));
    }
  }

  private async discard(): Promise<void> {
    this.buffered = [];
    this.bufferedBytes = 0;
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await call((done) => close(fd, done)).catch(() => undefined);
    if (this.created) await call((done) => unlink(this.ctx.location.file, done)).catch(ignoreMissing);
  }
}

export function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
