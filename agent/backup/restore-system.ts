// Restores a whole Mailroom snapshot into a new data directory. restic writes into a private
// sibling directory first; only a complete restore of a real Mailroom snapshot is renamed into
// place, so the target is either absent/empty or a whole data directory, never half of one.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BackupError } from './backup-error.js';
import { MANIFEST_FILE, type BackupManifest } from './backup-staging.js';
import type { ResticClient } from './restic-client.js';

/** Reads and checks the manifest of a restored snapshot. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
  } catch (err) {
    throw new BackupError('not_a_mailroom_backup', `that snapshot is not a Mailroom backup (it has no ${MANIFEST_FILE})`, { cause: err });
  }
  if (!raw || typeof raw !== 'object' || (raw as BackupManifest).format !== 1) throw new BackupError('not_a_mailroom_backup', `that snapshot's ${MANIFEST_FILE} is of an unknown format`);
  return raw as BackupManifest;
}

async function assertEmptyOrAbsent(target: string): Promise<boolean> {
  const info = await stat(target).catch(() => null);
  if (!info) return false;
  if (!info.isDirectory()) throw new BackupError('target_not_empty', `${target} exists and is not a directory`);
  if ((await readdir(target)).length > 0) throw new BackupError('target_not_empty', `${target} is not empty; restore into a new or empty directory`);
  return true;
}

export async function restoreSystem(options: { restic: ResticClient; snapshot: string; target: string }): Promise<BackupManifest> {
  const target = path.resolve(options.target);
  const existed = await assertEmptyOrAbsent(target);
  await mkdir(path.dirname(target), { recursive: true });
  const work = path.join(path.dirname(target), `.${path.basename(target)}.restoring-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { mode: 0o700 });
  try {
    await options.restic.restore({ snapshot: options.snapshot, target: work });
    const manifest = await readManifest(work);
    await rm(path.join(work, MANIFEST_FILE), { force: true });
    // The same mode `mailroom init` gives a data directory.
    await chmod(work, 0o750);
    await assertEmptyOrAbsent(target);
    if (existed) await rmdir(target);
    await rename(work, target);
    return manifest;
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}
