// updates.apt-apply {trigger}: installs Debian's pending updates (only the security archive's
// unless updates.apt.securityOnly is false), records it in the update history, and returns
// what changed (package, old version, new version).

import { z } from 'zod';
import { withUpdateService } from '../../updates/open-update-service.js';
import { helperCommandRunner } from '../../updates/helper-runner.js';
import { defineHelperCommand } from '../helper-command.js';

export const updatesAptApplyCommand = defineHelperCommand({
  name: 'updates.apt-apply',
  schema: z.strictObject({ trigger: z.string().min(1).max(100).default('helper') }),
  async run(args, ctx) {
    return withUpdateService(ctx.config(), ctx.logger, (s) => s.applyApt({ trigger: args.trigger, refresh: true }), { runner: helperCommandRunner(ctx.run) });
  },
});
