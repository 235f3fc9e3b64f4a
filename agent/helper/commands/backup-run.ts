// backup.run {trigger}: one backup of the data directory as config.json's backup block says
// (repository, passwordFile, env); "scheduled" runs then apply the retention policy
// (backup.keep, restic forget --prune). config.json and all of DIR belong to the mail daemon's
// user, so the helper does not stage or run restic as root: the backup child runs as DIR's
// owner (agent/backup/backup-as-owner.ts) and can read only what that user can read anyway.
// The backup block is still checked first (agent/backup/backup-config-in-helper.ts): only
// backend credentials reach restic's environment, the password file is read inside DIR without
// following links, a local repository is an absolute path outside DIR. Errors:
// invalid_backup_config, invalid_repository, helper_path_refused, helper_file_missing,
// backup_owner_refused, helper_bad_user, and the backup's own (agent/backup/backup-error.ts).

import { z } from 'zod';
import { runBackupAsOwner } from '../../backup/backup-as-owner.js';
import { helperBackupConfig } from '../../backup/backup-config-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';

export const backupRunCommand = defineHelperCommand({
  name: 'backup.run',
  schema: z.strictObject({
    trigger: z.enum(['manual', 'scheduled']).default('manual'),
  }),
  async run(args, ctx) {
    const config = ctx.config();
    const checked = await helperBackupConfig(config, ctx.dataDir);
    return runBackupAsOwner(ctx, {
      ...checked, hostname: config.hostname, tags: [args.trigger],
      keep: args.trigger === 'scheduled' ? config.backup.keep : null,
    });
  },
});
