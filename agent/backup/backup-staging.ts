// Stages one consistent picture of a data directory for restic, while the daemon keeps running.
//
// DATA/tmp/backup-stage (0700) mirrors the data directory:
//   - every SQLite database (*.db: mailroom.db, agent.db, ...) as an online backup of one
//     committed transaction (mail/store/sqlite/online-backup.ts);
//   - the message and queue files that backup names, as hard links: bodies are immutable, so a
//     link is the file as it was, and it keeps the file alive even if the daemon expunges the
//     message before restic reads it. Files written after the database copy are not named;
//   - everything else of the data directory (config.json, tls/, dkim/, secrets/, audit.log, ...)
//     as hard links too, except what is transient: tmp/, run/, signing/ and the -wal/-shm files.
// Nothing is copied in plaintext outside the data directory; the stage is removed afterwards.
// The path is fixed on purpose: restic finds the previous snapshot of the same path and skips
// unchanged files (with --ignore-ctime, because linking changes a file's ctime).
// A lock file keeps two backups of one data directory from sharing the stage.
// On the appliance this runs as DIR's owner, never as root (agent/backup/backup-as-owner.ts):
// a file in DIR its owner cannot read (someone else's, mode 0600) stops the backup with
// backup_file_unreadable rather than leaving a hole in it silently.

import { copyFile, link, lstat, mkdir, open, readdir, readFile, readlink, rm, symlink, unlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { backupSqliteDatabase, listNamedMessageFiles } from '../../mail/store/sqlite/online-backup.js';
import { DATABASE_FILE } from '../../mail/store/sqlite/database.js';
import { BackupError } from './backup-error.js';

export const STAGE_DIR = path.join('tmp', 'backup-stage');
export const LOCK_FILE = path.join('tmp', 'backup.lock');
/** The file in every snapshot that says it is a Mailroom backup and what it holds. */
export const MANIFEST_FILE = 'mailroom-backup.json';
export const MANIFEST_FORMAT = 1;

/** Top-level entries that are never backed up: transient state, or saved another way. */
const SKIPPED = new Set(['tmp', 'run', 'signing', 'blobs', 'queue', 'lost+found']);
const SQLITE_SIDE_FILE = /\.db-(wal|shm|journal)$/;

export interface BackupManifest {
  format: number;
  createdAt: string;
  hostname: string;
  databases: string[];
  messageFiles: number;
  queueFiles: number;
  /** Files the databases name that were not there (damage found by the backup); normally empty. */
  missingFiles: string[];
}

export interface StagedSnapshot {
  /** The stage directory; back up "." from here. */
  dir: string;
  manifest: BackupManifest;
  /** Removes the stage and releases the lock; safe to call twice. */
  dispose(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Takes DATA/tmp/backup.lock; a lock left by a dead process is taken over. */
async function acquireLock(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new BackupError('backup_running', `a backup of this data directory is already running (process ${pid})`);
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new BackupError('backup_running', 'a backup of this data directory is already starting');
}

/** EACCES/EPERM while reading DIR: a typed error naming the entry; anything else as it is. */
function unreadable(err: unknown, dataDir: string, what: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EACCES' && code !== 'EPERM') return err;
  const where = (err as NodeJS.ErrnoException).path;
  const rel = where && where.startsWith(dataDir + path.sep) ? path.relative(dataDir, where) : what;
  return new BackupError('backup_file_unreadable', `${rel} in the data directory cannot be read by the backup (${code}); it must belong to the data directory's owner`, { cause: err });
}

/** A hard link, or a copy when the stage is on another file system. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV' && (err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    await copyFile(from, to);
  }
}

/** Mirrors a directory tree into the stage: directories with their modes, files linked. */
async function mirror(from: string, to: string): Promise<void> {
  const info = await lstat(from);
  if (info.isDirectory()) {
    await mkdir(to, { mode: 0o700 });
    for (const name of await readdir(from)) await mirror(path.join(from, name), path.join(to, name));
    await chmod(to, info.mode & 0o7777);
  } else if (info.isFile()) {
    await linkOrCopy(from, to);
  } else if (info.isSymbolicLink()) {
    await symlink(await readlink(from), to);
  }
  // Sockets, fifos and devices are not data.
}

/** Links the named message files into the stage; returns the ones that no longer exist. */
async function linkNamedFiles(dataDir: string, stage: string, files: string[]): Promise<string[]> {
  const missing: string[] = [];
  const made = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const rel = files[next++]!;
      const dir = path.dirname(path.join(stage, rel));
      if (!made.has(dir)) { await mkdir(dir, { recursive: true, mode: 0o750 }); made.add(dir); }
      try {
        await linkOrCopy(path.join(dataDir, rel), path.join(stage, rel));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') missing.push(rel);
        else throw unreadable(err, dataDir, rel);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return missing;
}

async function stageOnce(dataDir: string, stage: string, hostname: string, now: Date, final: boolean): Promise<{ manifest: BackupManifest; missing: string[] }> {
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { mode: 0o700 });
  await chmod(stage, 0o700);
  const databases: string[] = [];
  for (const name of (await readdir(dataDir)).sort()) {
    if (SKIPPED.has(name) || SQLITE_SIDE_FILE.test(name)) continue;
    const from = path.join(dataDir, name);
    try {
      const info = await lstat(from);
      if (info.isFile() && name.endsWith('.db')) {
        await backupSqliteDatabase(from, path.join(stage, name));
        databases.push(name);
      } else {
        await mirror(from, path.join(stage, name));
      }
    } catch (err) {
      throw unreadable(err, dataDir, name);
    }
  }
  let named = { messages: [] as string[], queue: [] as string[] };
  if (databases.includes(DATABASE_FILE)) named = listNamedMessageFiles(path.join(stage, DATABASE_FILE));
  const missing = await linkNamedFiles(dataDir, stage, [...named.messages, ...named.queue]);
  const manifest: BackupManifest = { format: MANIFEST_FORMAT, createdAt: now.toISOString(), hostname, databases, messageFiles: named.messages.length, queueFiles: named.queue.length, missingFiles: final ? missing : [] };
  await writeFile(path.join(stage, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  return { manifest, missing };
}

export interface StageOptions {
  dataDir: string;
  hostname: string;
  now?: () => Date;
  /** Attempts when a named file vanished between the database copy and its link (an expunge). */
  attempts?: number;
}

export async function stageSnapshot(options: StageOptions): Promise<StagedSnapshot> {
  const dataDir = path.resolve(options.dataDir);
  const stage = path.join(dataDir, STAGE_DIR);
  const lockFile = path.join(dataDir, LOCK_FILE);
  await mkdir(path.dirname(lockFile), { recursive: true, mode: 0o750 });
  await acquireLock(lockFile);
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await rm(stage, { recursive: true, force: true });
    await unlink(lockFile).catch(() => undefined);
  };
  try {
    const attempts = options.attempts ?? 3;
    for (let i = 1; ; i++) {
      const final = i >= attempts;
      const { manifest, missing } = await stageOnce(dataDir, stage, options.hostname, (options.now ?? (() => new Date()))(), final);
      // A message expunged in the instant between the copy and the link: take a fresh copy. Still
      // missing after that, the files are gone for good (damage): back up the rest, and say so
      // (manifest.missingFiles), rather than never back up a damaged store at all.
      if (missing.length === 0 || final) return { dir: stage, manifest, dispose };
    }
  } catch (err) {
    await dispose();
    throw err;
  }
}
