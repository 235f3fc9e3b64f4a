// backup.run's work, done as the data directory's owner rather than as root. DIR belongs to the
// mail daemon's user, who can change anything in it at any instant; root walking DIR, checking
// each path and then reading it, could be made to read /root or the agent's database (a
// directory flipped to a symlink, a *.db swapped for a link between the check and the read, the
// stage swapped before restic starts). So the helper reads nothing of DIR itself: it starts the
// backup child (backup-child-main.ts) as DIR's owner, with the owner's primary group and no
// supplementary groups, and the child stages DIR and runs restic with exactly the rights the
// owner has anyway. What that changes (agent/README.md, "Backups through the helper"):
//   - a local repository must be writable by DIR's owner (chown it to mailroom);
//   - restic's cache is DIR/tmp/restic-cache (not backed up), not root's ~/.cache;
//   - SFTP uses the owner's ssh key and known_hosts: ssh reads ~ from the passwd entry, so on
//     the appliance /var/lib/mailroom/.ssh/ (mailroom's home, mode 0700);
//   - the repository password and backend credentials are visible to the owner while restic
//     runs (/proc/PID/environ), which is nothing new: they come from the owner's own DIR.
// Errors: backup_owner_refused (DIR is not a plain directory), helper_bad_user (DIR's owner
// has no passwd entry), and whatever the child reports (restic's and staging's codes).

import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HelperContext } from '../helper/helper-command.js';
import { HelperError } from '../helper/helper-command.js';
import { lookupUserById, type PasswdUser } from '../helper/passwd-user.js';
import type { BackupChildOutcome, BackupChildRequest, BackupChildResponse } from './backup-child-protocol.js';
import { STAGE_DIR } from './backup-staging.js';

export const BACKUP_CHILD_SCRIPT = fileURLToPath(new URL('./backup-child-main.js', import.meta.url));
const CHILD_TIMEOUT_MS = 13 * 3600 * 1000; // a first backup of a large store plus a prune

/** DIR's owner, from DIR itself (not following a link): the user the backup runs as. */
export async function dataDirOwner(dataDir: string, passwdFile?: string): Promise<PasswdUser> {
  const st = await lstat(dataDir).catch((err: NodeJS.ErrnoException) => {
    throw new HelperError('backup_owner_refused', `cannot examine the data directory ${dataDir} (${err.code ?? err.message})`, { cause: err });
  });
  if (!st.isDirectory()) throw new HelperError('backup_owner_refused', `the data directory ${dataDir} is not a directory (a symlink?); not backing it up`);
  return lookupUserById(st.uid, passwdFile);
}

export interface BackupAsOwnerOptions extends Omit<BackupChildRequest, 'dataDir' | 'cacheDir' | 'resticProgram'> {
  resticProgram?: string;
}

export async function runBackupAsOwner(ctx: Pick<HelperContext, 'run' | 'dataDir' | 'logger'>, options: BackupAsOwnerOptions): Promise<BackupChildOutcome> {
  const dataDir = path.resolve(ctx.dataDir);
  const owner = await dataDirOwner(dataDir);
  const request: BackupChildRequest = {
    ...options, dataDir, resticProgram: options.resticProgram ?? '/usr/bin/restic',
    cacheDir: path.join(dataDir, path.dirname(STAGE_DIR), 'restic-cache'),
  };
  // Root drops to the owner; a helper that is not root (development) can only be itself. The
  // child drops by itself once its code is loaded (request.runAs): started as the owner, it
  // could not load the application from a directory the owner may not read (a checkout in a
  // 0700 directory; on the appliance /usr/lib/mailroom is readable by all anyway).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) request.runAs = { uid: owner.uid, gid: owner.gid };
  ctx.logger.info('backup starting as the data directory\'s owner', { user: owner.name, uid: owner.uid, gid: owner.gid });
  const result = await ctx.run([process.execPath, BACKUP_CHILD_SCRIPT], {
    input: JSON.stringify(request),
    env: { HOME: owner.home },
    cwd: '/',
    timeoutMs: CHILD_TIMEOUT_MS,
    maxOutputBytes: 1024 * 1024,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let response: BackupChildResponse;
  try {
    response = JSON.parse(line) as BackupChildResponse;
  } catch {
    throw new HelperError('backup_failed', `the backup child gave no answer${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`);
  }
  if (!response.ok) throw new HelperError(response.error.code, response.error.message);
  return response.result;
}
