// Errors of backups and restores, with stable codes for the CLI, the REST API and tests.
// Messages are one line, safe to show an admin; restic's own words go to `cause`/`detail`.

import { MailroomError } from '../../core/errors.js';

export type BackupErrorCode =
  | 'invalid_repository'
  | 'wrong_password'
  | 'repository_missing'
  | 'repository_locked'
  | 'restic_missing'
  | 'restic_failed'
  | 'backup_running'
  | 'snapshot_missing'
  | 'not_a_mailroom_backup'
  | 'target_not_empty'
  | 'unknown_user'
  | 'invalid_backup_config'
  | 'backup_file_unreadable'
  | 'backup_failed';

export class BackupError extends MailroomError {
  declare readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
