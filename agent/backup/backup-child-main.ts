// The backup child's composition root: started by the privileged helper's backup.run as the
// data directory's owner (the mail daemon's user), never as root, with a BackupChildRequest on
// stdin. It stages DIR and runs restic (init, backup, forget) with that user's rights only, so
// whatever the owner plants in DIR (a symlink to /root, a hard link to the agent's database, a
// directory swapped between a check and a read, a stage swapped before restic starts) reads no
// more than the owner could read anyway. Answers one BackupChildResponse line on stdout.

import { MailroomError } from '../../core/errors.js';
import type { BackupChildRequest, BackupChildResponse } from './backup-child-protocol.js';
import { createBackup, SNAPSHOT_TAG } from './create-backup.js';
import { ResticClient, resticBaseEnv } from './restic-client.js';
import { spawnRestic } from './restic-runner.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Becomes `runAs` for good (groups, then gid, then uid) and checks that root is gone. */
function dropPrivileges(runAs: { uid: number; gid: number }): void {
  try {
    process.setgroups?.([]);
    process.setgid?.(runAs.gid);
    process.setuid?.(runAs.uid);
  } catch (err) {
    throw new MailroomError('backup_owner_refused', `cannot become uid ${runAs.uid}: ${(err as Error).message}`, { cause: err });
  }
  if (process.getuid?.() !== runAs.uid || process.getgid?.() !== runAs.gid || (runAs.uid !== 0 && process.geteuid?.() === 0)) {
    throw new MailroomError('backup_owner_refused', `still running as uid ${process.getuid?.()} after dropping to ${runAs.uid}; not backing up`);
  }
}

async function main(): Promise<BackupChildResponse> {
  const request = JSON.parse(await readStdin()) as BackupChildRequest;
  // Before anything reads DIR: from here on the child has exactly the owner's rights.
  if (request.runAs) dropPrivileges(request.runAs);
  const restic = new ResticClient({
    repository: request.repository, password: request.password, env: request.env, runner: spawnRestic(request.resticProgram),
    // The cache would otherwise go to $HOME/.cache: the owner's home may be DIR itself, and DIR
    // is backed up; DIR/tmp is not.
    baseEnv: { ...resticBaseEnv(process.env), RESTIC_CACHE_DIR: request.cacheDir },
  });
  const result = await createBackup({ dataDir: request.dataDir, hostname: request.hostname, restic, tags: request.tags });
  if (request.keep) await restic.forget(request.keep, SNAPSHOT_TAG);
  return { ok: true, result: { snapshotId: result.summary.snapshotId, messages: result.manifest.messageFiles, dataAdded: result.summary.dataAdded, missingFiles: result.manifest.missingFiles.length } };
}

// No top-level await: the image bundles this file as CommonJS too (image/lib/bundle-app.mjs
// bundles every file that is started by a URL relative to import.meta.url beside mailroom.js).
void main().catch((err: unknown): BackupChildResponse => {
  if (err instanceof MailroomError) return { ok: false, error: { code: err.code, message: err.message } };
  process.stderr.write(`backup child: ${(err as Error)?.stack ?? String(err)}\n`);
  return { ok: false, error: { code: 'backup_failed', message: `the backup failed: ${(err as Error)?.message ?? String(err)}` } };
}).then((response) => {
  process.stdout.write(JSON.stringify(response) + '\n');
});
