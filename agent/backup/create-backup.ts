// One backup run: stage a consistent picture of the data directory, create the repository on
// first use, hand the stage to restic, remove the stage whatever happens.

import { BackupError } from './backup-error.js';
import { stageSnapshot, type BackupManifest } from './backup-staging.js';
import type { BackupProgress, BackupSummary, ResticClient } from './restic-client.js';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every Mailroom snapshot carries this tag; retention and listings only look at these. */
export const SNAPSHOT_TAG = 'mailroom';

export interface CreateBackupOptions {
  dataDir: string;
  hostname: string;
  restic: ResticClient;
  /** restic init when there is no repository yet (first backup). Default true. */
  initialise?: boolean;
  onProgress?: (progress: BackupProgress) => void;
  /** Extra tags, e.g. "scheduled" or "manual". */
  tags?: string[];
}

export interface CreateBackupResult {
  summary: BackupSummary;
  manifest: BackupManifest;
  initialised: boolean;
}

/** A local directory that exists, is not empty and is not a restic repository: refuse to init into it. */
async function refuseForeignDirectory(location: string): Promise<void> {
  const entries = await readdir(location).catch(() => null);
  if (!entries || entries.length === 0) return;
  const isRepo = await access(path.join(location, 'config')).then(() => true, () => false);
  if (!isRepo) throw new BackupError('invalid_repository', `${location} is not empty and is not a restic repository; give an empty or new directory`);
}

export async function createBackup(options: CreateBackupOptions): Promise<CreateBackupResult> {
  const { restic } = options;
  let initialised = false;
  if (!(await restic.exists())) {
    if (options.initialise === false) throw new BackupError('repository_missing', 'no backup repository at that location');
    if (restic.repository.kind === 'local') await refuseForeignDirectory(restic.repository.location);
    await restic.init();
    initialised = true;
  }
  const staged = await stageSnapshot({ dataDir: options.dataDir, hostname: options.hostname });
  try {
    const summary = await restic.backup({
      cwd: staged.dir, paths: ['.'], tags: [SNAPSHOT_TAG, ...(options.tags ?? [])], host: options.hostname,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return { summary, manifest: staged.manifest, initialised };
  } finally {
    await staged.dispose();
  }
}
