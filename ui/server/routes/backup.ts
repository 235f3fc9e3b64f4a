// Backups (agent/backup), for the panel:
//   GET  /api/v1/backup            schedule, repository, the run under way with its progress, recent runs
//   POST /api/v1/backup            start a backup now (202 with the run; 409 backup_running)
//   GET  /api/v1/backup/snapshots  the repository's Mailroom snapshots, newest first
// Live progress goes out on the websocket's `backup` channel.

import { MailroomError } from '../../../core/errors.js';
import type { BackupRun, BackupSnapshotView, BackupStatusResponse } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps, BackupApi } from '../deps.js';

function backupOf(deps: AdminServerDeps): BackupApi {
  if (!deps.backup) throw new ApiError(404, 'backup_unavailable', 'this agent does not manage backups');
  return deps.backup;
}

/** Backup failures are the repository's or the config's, not the panel's: give them a status. */
function asApiError(err: unknown): unknown {
  if (!(err instanceof MailroomError) || err instanceof ApiError) return err;
  switch (err.code) {
    case 'backup_running': return new ApiError(409, err.code, err.message);
    case 'invalid_backup_config': case 'invalid_repository': return new ApiError(409, err.code, err.message);
    case 'wrong_password': case 'repository_missing': case 'repository_locked': case 'restic_failed': case 'restic_missing': return new ApiError(502, err.code, err.message);
    default: return err;
  }
}

export function backupRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/backup', tag: 'system', access: 'session', summary: 'Backup schedule, the run under way and recent runs',
      async handle(): Promise<BackupStatusResponse> { return backupOf(deps).status(); },
    }),
    route({
      method: 'post', path: '/api/v1/backup', tag: 'system', access: 'session', summary: 'Start a backup now',
      response: { status: 202, description: 'The run that started; follow it on the websocket\'s backup channel' },
      audit: { action: 'backup.start' },
      async handle(): Promise<Reply> {
        try {
          const run: BackupRun = backupOf(deps).begin('manual');
          return new Reply(202, run);
        } catch (err) {
          throw asApiError(err);
        }
      },
    }),
    route({
      method: 'get', path: '/api/v1/backup/snapshots', tag: 'system', access: 'session', summary: 'The snapshots in the backup repository, newest first',
      async handle(): Promise<BackupSnapshotView[]> {
        try {
          return await backupOf(deps).snapshots();
        } catch (err) {
          throw asApiError(err);
        }
      },
    }),
  ];
}
