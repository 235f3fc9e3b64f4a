// A backup as config.json describes it (backup.{repository, passwordFile, keep, env}): what the
// agent's schedule and the panel's "back up now" run, directly or through the privileged
// helper (agent/helper/commands/backup-run.ts). Scheduled runs apply the retention policy after
// the snapshot is saved (restic forget --prune), so a failed backup never thins out old ones.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../core/config.js';
import { BackupError } from './backup-error.js';
import { createBackup, SNAPSHOT_TAG, type CreateBackupResult } from './create-backup.js';
import { ResticClient, type BackupProgress } from './restic-client.js';
import { parseRepository } from './restic-repository.js';
import type { ResticRunner } from './restic-runner.js';

export type BackupTrigger = 'manual' | 'scheduled';

/** The repository password from backup.passwordFile (one line; a trailing newline is not part of it). */
export async function readBackupPassword(config: Config): Promise<string> {
  const file = path.resolve(config.dataDir, config.backup.passwordFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BackupError('invalid_backup_config', `cannot read the backup password file ${file} (backup.passwordFile): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const password = text.replace(/\r?\n$/, '');
  if (!password || /[\r\n]/.test(password)) throw new BackupError('invalid_backup_config', `the backup password file ${file} must hold one non-empty line`);
  return password;
}

/** `baseEnv`: resticBaseEnv() of the calling process's environment, from its composition root. */
export async function configuredClient(config: Config, runner: ResticRunner, baseEnv: Readonly<Record<string, string>>): Promise<ResticClient> {
  if (!config.backup.repository) throw new BackupError('invalid_backup_config', 'no backup repository configured (backup.repository)');
  const repository = parseRepository(config.backup.repository, config.dataDir);
  return new ResticClient({ repository, password: await readBackupPassword(config), runner, baseEnv, env: { ...config.backup.env } });
}

export async function runConfiguredBackup(config: Config, options: { runner: ResticRunner; baseEnv: Readonly<Record<string, string>>; trigger: BackupTrigger; onProgress?: (p: BackupProgress) => void }): Promise<CreateBackupResult> {
  const restic = await configuredClient(config, options.runner, options.baseEnv);
  const result = await createBackup({
    dataDir: config.dataDir, hostname: config.hostname, restic, tags: [options.trigger],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (options.trigger === 'scheduled') await restic.forget(config.backup.keep, SNAPSHOT_TAG);
  return result;
}
