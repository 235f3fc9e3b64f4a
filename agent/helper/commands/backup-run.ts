// backup.run {trigger}: one backup of the data directory as config.json's backup block says
// (repository, passwordFile, env), as root so restic reads every file whatever its owner;
// "scheduled" runs then apply the retention policy (backup.keep, restic forget --prune).

import { z } from 'zod';
import { runConfiguredBackup } from '../../backup/configured-backup.js';
import { helperResticRunner } from '../../backup/helper-restic-runner.js';
import { resticBaseEnv } from '../../backup/restic-client.js';
import { defineHelperCommand } from '../helper-command.js';

export const backupRunCommand = defineHelperCommand({
  name: 'backup.run',
  schema: z.strictObject({
    trigger: z.enum(['manual', 'scheduled']).default('manual'),
  }),
  async run(args, ctx) {
    const result = await runConfiguredBackup(ctx.config(), { runner: helperResticRunner(ctx.run), baseEnv: resticBaseEnv(ctx.env), trigger: args.trigger });
    return { snapshotId: result.summary.snapshotId, messages: result.manifest.messageFiles, dataAdded: result.summary.dataAdded, missingFiles: result.manifest.missingFiles.length };
  },
});
