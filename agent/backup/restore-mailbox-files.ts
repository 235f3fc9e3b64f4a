// Fetching only what a one-mailbox restore needs out of a snapshot: first the metadata database
// and the manifest, then the message files of that one user (restic --include per file, in
// batches so the argument list stays short), into a private work directory.

import { DATABASE_FILE } from '../../mail/store/sqlite/database.js';
import { MANIFEST_FILE, type BackupManifest } from './backup-staging.js';
import type { ResticClient } from './restic-client.js';
import { readManifest } from './restore-system.js';

const INCLUDES_PER_RUN = 200;

export async function fetchSnapshotDatabase(restic: ResticClient, snapshot: string, workDir: string): Promise<BackupManifest> {
  await restic.restore({ snapshot, target: workDir, include: [`/${MANIFEST_FILE}`, `/${DATABASE_FILE}`] });
  return readManifest(workDir);
}

/** `files` relative to the data directory, e.g. "blobs/20261123/00/ID". */
export async function fetchSnapshotFiles(restic: ResticClient, snapshot: string, workDir: string, files: readonly string[]): Promise<void> {
  for (let i = 0; i < files.length; i += INCLUDES_PER_RUN) {
    await restic.restore({ snapshot, target: workDir, include: files.slice(i, i + INCLUDES_PER_RUN).map((f) => `/${f}`) });
  }
}
