// updates.apt-apply {trigger}: installs Debian's pending updates (only the security archive's
// unless updates.apt.securityOnly is false), records it in the update history, and returns
// what changed (package, old version, new version). The slots it reports from are the helper's
// own (helper-settings.ts), as for updates.bundle-apply.

import { z } from 'zod';
import { withUpdateService } from '../../updates/open-update-service.js';
import { helperCommandRunner } from '../../updates/helper-runner.js';
import { defineHelperCommand } from '../helper-command.js';
import { DEFAULT_HELPER_SETTINGS } from '../helper-settings.js';
import { configForRoot } from './updates-bundle-apply.js';

export const updatesAptApplyCommand = defineHelperCommand({
  name: 'updates.apt-apply',
  schema: z.strictObject({ trigger: z.string().min(1).max(100).default('helper') }),
  async run(args, ctx) {
    return withUpdateService(configForRoot(ctx.config(), ctx.settings ?? DEFAULT_HELPER_SETTINGS), ctx.logger, (s) => s.applyApt({ trigger: args.trigger, refresh: true }), { runner: helperCommandRunner(ctx.run) });
  },
});
