// The embedded BlobStore: message bodies as immutable files under DATA/blobs (layout and why in
// blob-layout.ts), written in place (fs-blob-writer.ts: a blob is reachable only through an
// index row written after its commit, so a half-written file is just an orphan) and made
// durable with fsync of file and directory, the directory fsyncs shared between concurrent
// commits (directory-sync-barrier.ts). DATA/tmp held partial writes before blobs were written
// in place; open() still clears what an older version left there.

import { createReadStream } from 'node:fs';
import { access, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore, BlobWriter } from '../contracts.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { isBlobId, locateBlob, newBlobId } from './blob-layout.js';
import { BlobBuckets } from './blob-buckets.js';
import { DirectorySyncBarrier, fsyncDirectory } from './directory-sync-barrier.js';
import { FsBlobWriter, ignoreMissing } from './fs-blob-writer.js';

export interface FsBlobStoreOptions {
  /** The data directory; blobs go to DIR/blobs, partial writes to DIR/tmp. */
  dataDir: string;
  logger?: Logger;
  now?: () => Date;
}

/** Leftovers in tmp younger than this may belong to a writer of another process; keep them. */
const TMP_GRACE_MS = 60_000;

export class FsBlobStore implements BlobStore {
  readonly blobsDir: string;
  readonly tmpDir: string;
  readonly barrier = new DirectorySyncBarrier();
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly buckets: BlobBuckets;

  private constructor(options: FsBlobStoreOptions) {
    this.blobsDir = path.join(options.dataDir, 'blobs');
    this.tmpDir = path.join(options.dataDir, 'tmp');
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.buckets = new BlobBuckets(this.blobsDir, fsyncDirectory);
  }

  /** Creates the directories if needed and removes partial writes a crash left in tmp. */
  static async open(options: FsBlobStoreOptions): Promise<FsBlobStore> {
    const store = new FsBlobStore(options);
    await mkdir(store.blobsDir, { recursive: true, mode: 0o750 });
    await mkdir(store.tmpDir, { recursive: true, mode: 0o750 });
    await store.cleanTmp();
    return store;
  }

  create(): BlobWriter {
    const id = newBlobId(this.now());
    return new FsBlobWriter(id, {
      location: locateBlob(this.blobsDir, id)!,
      ensureBucket: (loc) => this.buckets.ensure(loc),
      syncDirectory: (dir) => this.barrier.sync(dir),
    });
  }

  open(id: string, range?: { start: number; end?: number }): Readable {
    const file = this.file(id);
    const start = Math.max(0, range?.start ?? 0);
    if (range?.end !== undefined && range.end <= start) return Readable.from([]);
    // createReadStream's end is inclusive; the contract's is exclusive.
    return createReadStream(file, { start, end: range?.end === undefined ? undefined : range.end - 1 });
  }

  async remove(id: string): Promise<void> {
    await unlink(this.file(id)).catch(ignoreMissing);
  }

  async exists(id: string): Promise<boolean> {
    if (!isBlobId(id)) return false;
    try {
      await access(this.file(id));
      return true;
    } catch {
      return false;
    }
  }

  /** Throws NotFoundError (for scripts: `blob_not_found`) when the blob is missing. */
  async size(id: string): Promise<number> {
    try {
      return (await stat(this.file(id))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('blob_not_found', `no blob ${id}`, { cause: err });
      throw err;
    }
  }

  /** The id of every committed blob, bucket by bucket, oldest first. */
  async *list(): AsyncGenerator<string> {
    const days = (await readdir(this.blobsDir)).filter((d) => /^\d{8}$/.test(d)).sort();
    for (const day of days) {
      const hours = (await readdir(path.join(this.blobsDir, day)).catch(() => [] as string[])).filter((h) => /^\d{2}$/.test(h)).sort();
      for (const hour of hours) {
        for (const name of await readdir(path.join(this.blobsDir, day, hour)).catch(() => [] as string[])) {
          if (isBlobId(name)) yield name;
        }
      }
    }
  }

  /** When the blob was written; null when it does not exist. */
  async modifiedAt(id: string): Promise<Date | null> {
    const info = await stat(this.file(id)).catch(() => null);
    return info ? info.mtime : null;
  }

  private file(id: string): string {
    const loc = locateBlob(this.blobsDir, id);
    if (!loc) throw new InputError('blob_id_invalid', `not a blob id: ${JSON.stringify(id.slice(0, 64))}`);
    return loc.file;
  }

  private async cleanTmp(): Promise<void> {
    const cutoff = this.now().getTime() - TMP_GRACE_MS;
    let removed = 0;
    for (const name of await readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (!info || !info.isFile() || info.mtimeMs >= cutoff) continue;
      await unlink(file).catch(ignoreMissing);
      removed++;
    }
    if (removed > 0) this.logger.info('removed partial blobs left by an interrupted write', { removed, dir: this.tmpDir });
  }
}
