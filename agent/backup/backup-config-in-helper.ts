// The backup block of config.json as the privileged helper may use it. backup.run runs the
// backup as DIR's owner (backup-as-owner.ts), not as root, but the helper itself reads the
// password file and builds restic's environment, and config.json belongs to the mail daemon's
// user, so every value is checked here first:
//
// - backup.env goes into restic's environment: only the backend credentials of the backends
//   Mailroom accepts (S3, REST) pass. Anything else could make restic run a program
//   (RESTIC_PASSWORD_COMMAND, PATH for ssh, LD_PRELOAD), read a file of its choosing
//   (AWS_SHARED_CREDENTIALS_FILE, AWS_WEB_IDENTITY_TOKEN_FILE, RESTIC_PASSWORD_FILE) or move
//   restic's cache (RESTIC_CACHE_DIR): harmless as DIR's owner, but nothing needs them.
// - backup.passwordFile is read (by root) only inside DIR, without following a link, and only
//   when it is the mail daemon's own regular file (agent/helper/confined-file.ts).
// - a local repository must be an absolute path outside DIR (a repository inside the data it
//   backs up would back itself up). restic writes it as DIR's owner, so it needs no check
//   against root being pointed somewhere: the owner can write only where it could anyway.
// - an SFTP host must not start with "-" (it is an argument to ssh).
// Errors: BackupError invalid_backup_config / invalid_repository, or helper_path_refused.

import path from 'node:path';
import type { Config } from '../../core/config.js';
import { readFileInsideDataDir } from '../helper/confined-file.js';
import { BackupError } from './backup-error.js';
import { parseRepository, type Repository } from './restic-repository.js';

/** The variables restic's S3 and REST backends read for credentials; nothing else passes. */
export const HELPER_BACKUP_ENV = new Set([
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION',
  'RESTIC_REST_USERNAME', 'RESTIC_REST_PASSWORD',
]);
const MAX_ENV_VALUE = 4096;
const MAX_PASSWORD_FILE = 4096;

export interface HelperBackupConfig {
  repository: Repository;
  password: string;
  env: Record<string, string>;
}

export function checkBackupEnvForHelper(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!HELPER_BACKUP_ENV.has(name)) {
      throw new BackupError('invalid_backup_config', `backup.env.${name} is not passed to restic by the privileged helper (only ${[...HELPER_BACKUP_ENV].join(', ')})`);
    }
    if (typeof value !== 'string' || value.length > MAX_ENV_VALUE || /[\0\r\n]/.test(value)) {
      throw new BackupError('invalid_backup_config', `backup.env.${name} must be one line of at most ${MAX_ENV_VALUE} characters`);
    }
    out[name] = value;
  }
  return out;
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A local repository for the helper: an absolute path outside DIR. */
export function checkLocalRepository(location: string, dataDir: string): void {
  const bad = (why: string) => new BackupError('invalid_repository', `the backup repository ${location} is refused: ${why}`);
  if (!path.isAbsolute(location)) throw bad('it must be an absolute path');
  if (inside(path.resolve(dataDir), path.normalize(location))) throw bad('it is inside the data directory');
}

/** Reads and checks the backup block for the helper. */
export async function helperBackupConfig(config: Config, dataDir: string): Promise<HelperBackupConfig> {
  const b = config.backup;
  if (!b.repository) throw new BackupError('invalid_backup_config', 'no backup repository configured (backup.repository)');
  const repository = parseRepository(b.repository, dataDir);
  if (repository.kind === 'local') checkLocalRepository(b.repository.trim(), dataDir);
  if (repository.kind === 'sftp' && /^sftp:(\/\/)?[^@]*@-/.test(repository.location)) throw new BackupError('invalid_repository', `invalid backup repository "${b.repository}": the host must not start with "-"`);
  const env = checkBackupEnvForHelper(b.env);
  const text = (await readFileInsideDataDir(dataDir, b.passwordFile, { what: 'backup.passwordFile', maxBytes: MAX_PASSWORD_FILE })).toString('utf8');
  const password = text.replace(/\r?\n$/, '');
  if (!password || /[\0\r\n]/.test(password)) throw new BackupError('invalid_backup_config', `the backup password file (backup.passwordFile) must hold one non-empty line`);
  return { repository, password, env };
}
