// Writes one blob: bytes go to DATA/tmp/<id> (small writes coalesced into 64 KB ones), then
// commit() fsyncs the file, renames it into its bucket directory and waits for the shared
// directory fsync. Until commit() resolves the blob is invisible; after abort() it is gone.

import { close, fsync, open, rename, unlink, write } from 'node:fs';
import path from 'node:path';
import type { BlobWriter } from '../contracts.js';
import { MailroomError } from '../../../core/errors.js';
import type { BlobLocation } from './blob-layout.js';

const WRITE_BUFFER_BYTES = 64 * 1024;

export interface BlobWriterContext {
  tmpDir: string;
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
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private size = 0;
  private state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';
  /** Writes run one after another even if a caller does not await them. */
  private queue: Promise<void> = Promise.resolve();
  private readonly tmpFile: string;

  constructor(readonly id: string, private readonly ctx: BlobWriterContext) {
    this.tmpFile = path.join(ctx.tmpDir, id);
  }

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
      await this.enqueue(async () => {
        await this.flush();
        fd = await this.file();
        await call((done) => fsync(fd, done));
        this.fd = null;
      });
      // The rename does not need the descriptor closed; closing alongside saves a round trip.
      await Promise.all([
        call((done) => close(fd, done)),
        this.ctx.ensureBucket(this.ctx.location).then(() => call((done) => rename(this.tmpFile, this.ctx.location.file, done))),
      ]);
      await this.ctx.syncDirectory(this.ctx.location.hourDir);
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
    await this.discard();
    if (wasCommitted) await call((done) => unlink(this.ctx.location.file, done)).catch(ignoreMissing);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task);
    // A failed write fails this call and every later one; commit() reports it.
    this.queue = next;
    return next;
  }

  private async file(): Promise<number> {
    // "wx": the id is fresh, so an existing file means something is badly wrong; never reuse it.
    this.fd ??= await call<number>((done) => open(this.tmpFile, 'wx', 0o640, done));
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
    await call((done) => unlink(this.tmpFile, done)).catch(ignoreMissing);
  }
}

export function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
