// The intake of small bodies, drained into their blob files. A delivery whose body fits the commit
// worker's hold (64 KiB: most mail) stores the bytes in pending_bodies, in the transaction of its
// rows, so the 250 waits for one WAL fsync instead of a file's fsync and then the WAL's. This
// class runs in the commit worker and moves those bodies to their immutable files afterwards:
// the file is written and made durable (fs-blob-writer.ts, directory fsyncs shared), and only
// then is the row deleted. Until that delete a reader takes the bytes from the row (the store
// looks there first, MailStore.openMessage), so nobody reads a file that is being written, and a
// crash at any point leaves the row, whose file is written again (a partial one is replaced).
//
// When: once deliveries have paused for `quietMs`, so a burst is answered from the intake at the
// speed of the WAL and its files are written after it; or at once when the intake holds
// `backlogBytes`, so that sustained load never grows the database without bound. A pass takes
// `passRows` bodies, writes them concurrently and deletes their rows in one transaction.
//
// A blob expunged before its move loses its row with it (ON DELETE CASCADE); a file written for a
// row that vanished meanwhile is removed again here.

import { unlink } from 'node:fs';
import type { Db } from './database.js';
import { locateBlob } from '../fs/blob-layout.js';
import { BlobBuckets } from '../fs/blob-buckets.js';
import { DirectorySyncBarrier, fsyncDirectory } from '../fs/directory-sync-barrier.js';
import { FsBlobWriter } from '../fs/fs-blob-writer.js';

export interface BodySpillOptions {
  db: Db;
  /** DATA/blobs. */
  blobsDir: string;
  /** Start moving bodies once no delivery has committed for this long. */
  quietMs?: number;
  /** ...or at once when the intake holds this many bytes. */
  backlogBytes?: number;
  /** Bodies per pass (one delete transaction). */
  passRows?: number;
  /** After a failed pass (disk full, I/O error), wait this long before the next. */
  retryMs?: number;
  /** Problems worth a line in the daemon's log (the worker has no logger of its own). */
  warn(message: string, fields: Record<string, unknown>): void;
  now?: () => number;
}

export const SPILL_QUIET_MS = 200;
export const SPILL_BACKLOG_BYTES = 64 * 1024 * 1024;
const PASS_ROWS = 128;
const RETRY_MS = 5000;

interface PendingRow { blob: number; blobId: string; body: Buffer }

export interface SpillStats {
  /** Bodies moved to their files so far. */
  moved: number;
  /** Passes that failed (and will be retried). */
  failedPasses: number;
}

export class BodySpill {
  readonly stats: SpillStats = { moved: 0, failedPasses: 0 };
  private backlogBytes: number;
  private backlogRows: number;
  private lastCommitAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Set when a pass failed: no new pass before this time. */
  private retryAt = 0;
  private readonly buckets: BlobBuckets;
  private readonly barrier = new DirectorySyncBarrier();
  private readonly select;
  private readonly remove;
  private readonly now: () => number;

  constructor(private readonly options: BodySpillOptions) {
    const { db } = options;
    this.now = options.now ?? Date.now;
    this.buckets = new BlobBuckets(options.blobsDir, fsyncDirectory);
    this.select = db.prepare<[number], PendingRow>(
      'SELECT p.blob AS blob, b.blob_id AS blobId, p.body AS body FROM pending_bodies p JOIN blobs b ON b.id = p.blob ORDER BY p.blob LIMIT ?',
    );
    this.remove = db.prepare<[number]>('DELETE FROM pending_bodies WHERE blob = ?');
    const backlog = db.prepare<[], { rows: number; bytes: number }>('SELECT count(*) AS rows, coalesce(sum(length(body)), 0) AS bytes FROM pending_bodies').get()!;
    this.backlogRows = backlog.rows;
    this.backlogBytes = backlog.bytes;
    // What a previous run left (a crash, a stop during a burst) is moved once things are quiet:
    // a start is when the first deliveries may arrive.
    this.lastCommitAt = this.now();
    this.plan();
  }

  /** Bodies in the intake, and their bytes (as this thread counts them). */
  get backlog(): { rows: number; bytes: number } {
    return { rows: this.backlogRows, bytes: this.backlogBytes };
  }

  /** A delivery batch committed `rows` inline bodies of `bytes` in all. */
  committed(rows: number, bytes: number): void {
    this.lastCommitAt = this.now();
    if (rows === 0) return;
    this.backlogRows += rows;
    this.backlogBytes += bytes;
    this.plan();
  }

  /** Moves every body now, whatever the load; resolves when the intake is empty (tests, backups). */
  async drain(): Promise<void> {
    while (true) {
      if (this.running) {
        await this.running.catch(() => undefined);
        continue;
      }
      if (this.select.all(1).length === 0) return;
      this.running = this.pass().finally(() => { this.running = null; });
      await this.running;
    }
  }

  private plan(): void {
    if (this.running || this.timer || this.backlogRows === 0) return;
    const now = this.now();
    if (now < this.retryAt) return this.arm(this.retryAt - now);
    if (this.backlogBytes >= (this.options.backlogBytes ?? SPILL_BACKLOG_BYTES)) return this.start();
    const quietMs = this.options.quietMs ?? SPILL_QUIET_MS;
    const quietFor = now - this.lastCommitAt;
    if (quietFor >= quietMs) this.start();
    else this.arm(quietMs - quietFor);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.plan();
    }, Math.max(1, ms));
    // Bodies waiting in the intake are safe there: they never keep a process (or thread) alive.
    this.timer.unref();
  }

  private start(): void {
    this.running = this.pass()
      .catch((err: unknown) => {
        this.stats.failedPasses++;
        this.retryAt = this.now() + (this.options.retryMs ?? RETRY_MS);
        this.options.warn('could not move message bodies from the intake to their files; they stay readable there, retrying', { err: describe(err) });
      })
      .finally(() => {
        this.running = null;
        this.plan();
      });
  }

  /** One pass: up to passRows bodies written, made durable, then their rows deleted. */
  private async pass(): Promise<void> {
    const rows = this.select.all(this.options.passRows ?? PASS_ROWS);
    if (rows.length === 0) {
      this.backlogRows = 0;
      this.backlogBytes = 0;
      return;
    }
    await Promise.all(rows.map((row) => this.writeFile(row)));
    const vanished: string[] = [];
    this.options.db.transaction(() => {
      for (const row of rows) {
        if (this.remove.run(row.blob).changes === 0) vanished.push(row.blobId);
      }
    }).immediate();
    this.stats.moved += rows.length - vanished.length;
    this.backlogRows = Math.max(0, this.backlogRows - rows.length);
    this.backlogBytes = Math.max(0, this.backlogBytes - rows.reduce((n, r) => n + r.body.length, 0));
    // Expunged while its file was being written: the file is nobody's now.
    for (const id of vanished) {
      const location = locateBlob(this.options.blobsDir, id);
      if (location) unlink(location.file, () => undefined);
    }
  }

  private async writeFile(row: PendingRow): Promise<void> {
    const location = locateBlob(this.options.blobsDir, row.blobId);
    if (!location) throw new Error(`pending body of blob ${row.blob} has an id that is not a blob id`);
    const write = async () => {
      const writer = new FsBlobWriter(row.blobId, {
        location,
        ensureBucket: (loc) => this.buckets.ensure(loc),
        syncDirectory: (dir) => this.barrier.sync(dir),
      });
      await writer.write(row.body);
      await writer.commit();
    };
    try {
      await write();
    } catch (err) {
      // A pass that a crash or stop cut short left this file, maybe partial; its row is still
      // here, so no reader has used it: write it again.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      await new Promise<void>((resolve, reject) => unlink(location.file, (e) => (e && e.code !== 'ENOENT' ? reject(e) : resolve())));
      await write();
    }
  }
}

function describe(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as NodeJS.ErrnoException).code;
  return { name: err.name, message: err.message, ...(code ? { code } : {}) };
}
