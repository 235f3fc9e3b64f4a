// updates.bundle-apply {file?, force, trigger}: installs a signed bundle (default: the newest
// pending one of the bundle directory) into the inactive slot, switches to it, restarts the mail
// daemon and the agent, checks their health and rolls back on failure. It runs here, not in the
// agent, because restarting the agent must not cut the update short.
// What root trusts and runs here (the signing keys, the restart command) and where it reads and
// writes (slots, bundle directory) come from the helper's own settings (helper-settings.ts:
// fixed defaults or root's /etc/mailroom/helper.json), never from DIR/config.json, which the
// mail daemon's user can write. config.json gives only the health probes (ports to connect to).
// The appliance does not use this command (updates.source "sysupdate": sysupdate.* commands).

import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../../../core/config.js';
import { withUpdateService } from '../../updates/open-update-service.js';
import { helperCommandRunner } from '../../updates/helper-runner.js';
import { defineHelperCommand } from '../helper-command.js';
import { DEFAULT_HELPER_SETTINGS, type HelperSettings } from '../helper-settings.js';

/** config with every root-sensitive updates value replaced by the helper's own. */
export function configForRoot(config: Config, settings: HelperSettings): Config {
  const u = settings.updates;
  return { ...config, updates: { ...config.updates, trustedKeys: u.trustedKeys, keysDir: u.keysDir, restartCommand: u.restartCommand, slotsDir: u.slotsDir, bundleDir: u.bundleDir } };
}

export const updatesBundleApplyCommand = defineHelperCommand({
  name: 'updates.bundle-apply',
  schema: z.strictObject({
    /** A bundle file name inside the bundle directory; never a path elsewhere. */
    file: z.string().regex(/^[A-Za-z0-9._-]+\.mrb$/).nullable().default(null),
    force: z.boolean().default(false),
    trigger: z.string().min(1).max(100).default('helper'),
  }),
  async run(args, ctx) {
    const config = configForRoot(ctx.config(), ctx.settings ?? DEFAULT_HELPER_SETTINGS);
    return withUpdateService(config, ctx.logger, (s) => s.applyBundle({
      ...(args.file ? { file: path.join(s.bundleDir, args.file) } : {}), force: args.force, trigger: args.trigger,
    }), { runner: helperCommandRunner(ctx.run) });
  },
});
