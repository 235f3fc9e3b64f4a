// A consistent copy of a live SQLite database, and the message files such a copy names.
//
// Backups run while the daemon writes. SQLite's online backup API copies the pages of one
// read snapshot; better-sqlite3 copies in steps and restarts when another connection writes
// between steps, so the whole database is copied in ONE step (the first step only learns the
// page count): the copy is exactly the database as of one committed transaction.
//
// Message bodies are immutable files named by the `blobs` table (DATA/blobs/...) and the
// outbound spool's `queue_messages` table (DATA/queue/blobs/...). A file written after the copy
// is simply not named; a file the copy names existed before it was taken (files are durable
// before their rows commit).

import Database from 'better-sqlite3';
import { chmod, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { MailroomError } from '../../../core/errors.js';
import { locateBlob } from '../fs/blob-layout.js';

/** Pages per backup step: all of them, so the copy is one read snapshot (max of sqlite3_backup_step). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the database `source` (a live file, WAL or not) to `dest` as of one transaction.
 * `dest` gets the source's mode (the database holds password hashes), and is created before
 * SQLite writes to it so it is never readable by others, not even for a moment.
 */
export async function backupSqliteDatabase(source: string, dest: string): Promise<{ pages: number }> {
  const info = await stat(source).catch((err: unknown) => {
    throw new MailroomError('backup_source_missing', `cannot read the database ${source}: ${(err as Error).message}`, { cause: err });
  });
  const mode = info.mode & 0o777;
  const handle = await open(dest, 'wx', mode);
  await handle.close();
  await chmod(dest, mode);
  // Not readonly: a readonly connection to a WAL database cannot create the -shm file it needs
  // when it is missing; this connection still never writes.
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    const result = await db.backup(dest, { progress: () => ALL_PAGES });
    selfContained(dest);
    return { pages: result.totalPages };
  } finally {
    db.close();
  }
}

/**
 * The copy keeps the source's WAL mode in its header, so every later open would create -wal
 * and -shm files beside it. Switch it to a rollback journal: one self-contained file, which the
 * store turns back to WAL when it opens a restored database.
 */
function selfContained(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

export interface NamedMessageFiles {
  /** Paths relative to the data directory: `blobs/YYYYMMDD/HH/ID`. */
  messages: string[];
  /** Bodies of queued outbound mail: `queue/blobs/YYYYMMDD/HH/ID`. */
  queue: string[];
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function relativeBlobPath(root: string, id: string): string | null {
  return locateBlob(root, id)?.file ?? null;
}

/**
 * The message files a (copied) metadata database names, relative to the data directory. Ids
 * that are not blob ids (never written by this store) are skipped rather than turned into paths.
 */
export function listNamedMessageFiles(databaseFile: string): NamedMessageFiles {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const messages: string[] = [];
    const queue: string[] = [];
    if (hasTable(db, 'blobs')) {
      // A body still in the intake (pending_bodies) is a row of this database, not yet a file.
      const sql = hasTable(db, 'pending_bodies')
        ? 'SELECT blob_id FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM pending_bodies p WHERE p.blob = b.id) ORDER BY blob_id'
        : 'SELECT blob_id FROM blobs ORDER BY blob_id';
      for (const row of db.prepare(sql).iterate() as Iterable<{ blob_id: string }>) {
        const file = relativeBlobPath('blobs', row.blob_id);
        if (file) messages.push(file);
      }
    }
    if (hasTable(db, 'queue_messages')) {
      // A small body is a row of queue_bodies (in this database, backed up with it), not a file.
      const sql = hasTable(db, 'queue_bodies')
        ? 'SELECT id FROM queue_messages m WHERE NOT EXISTS (SELECT 1 FROM queue_bodies b WHERE b.message_id = m.id) ORDER BY id'
        : 'SELECT id FROM queue_messages ORDER BY id';
      for (const row of db.prepare(sql).iterate() as Iterable<{ id: string }>) {
        const file = relativeBlobPath(path.join('queue', 'blobs'), row.id);
        if (file) queue.push(file);
      }
    }
    return { messages, queue };
  } finally {
    db.close();
  }
}

/** The blob files one user's messages use, in a (copied) metadata database: for one-mailbox restores. */
export function listUserMessageFiles(databaseFile: string, userId: string): string[] {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const pending = hasTable(db, 'pending_bodies') ? ' AND NOT EXISTS (SELECT 1 FROM pending_bodies p WHERE p.blob = b.id)' : '';
    const rows = db.prepare(`SELECT DISTINCT b.blob_id FROM folders f JOIN messages m ON m.folder_id = f.id JOIN blobs b ON b.id = m.blob
      WHERE f.user_id = ?${pending} ORDER BY b.blob_id`).all(userId) as { blob_id: string }[];
    return rows.map((r) => relativeBlobPath('blobs', r.blob_id)).filter((f): f is string => f !== null);
  } finally {
    db.close();
  }
}
