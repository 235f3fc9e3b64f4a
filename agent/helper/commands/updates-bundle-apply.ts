// updates.bundle-apply {file?, force, trigger}: installs a signed bundle (default: the newest
// pending one of updates.bundleDir) into the inactive slot, switches to it, restarts the mail
// daemon and the agent (updates.restartCommand), checks their health and rolls back on failure.
// It runs here, not in the agent, because restarting the agent must not cut the update short.

import path from 'node:path';
import { z } from 'zod';
import { withUpdateService } from '../../updates/open-update-service.js';
import { helperCommandRunner } from '../../updates/helper-runner.js';
import { defineHelperCommand } from '../helper-command.js';

export const updatesBundleApplyCommand = defineHelperCommand({
  name: 'updates.bundle-apply',
  schema: z.strictObject({
    /** A bundle file name inside updates.bundleDir; never a path elsewhere. */
    file: z.string().regex(/^[A-Za-z0-9._-]+\.mrb$/).nullable().default(null),
    force: z.boolean().default(false),
    trigger: z.string().min(1).max(100).default('helper'),
  }),
  async run(args, ctx) {
    return withUpdateService(ctx.config(), ctx.logger, (s) => s.applyBundle({
      ...(args.file ? { file: path.join(s.bundleDir, args.file) } : {}), force: args.force, trigger: args.trigger,
    }), { runner: helperCommandRunner(ctx.run) });
  },
});
