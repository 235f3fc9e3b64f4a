// sysupdate.update {version?, reboot}: systemd-sysupdate installs the newest (or the named)
// release into the root slot not in use and its UKI with a boot counter; with reboot: true it
// then reboots into it (only when something newer than the booted release was installed).
// mailroom-health.service decides on that boot whether the new slot stays. Runs here, as root:
// it writes partitions and the ESP. The binary's path is fixed (see sysupdate-check.ts).

import { z } from 'zod';
import { SYSUPDATE_BINARY, SYSUPDATE_VERSION, sysupdateUpdate } from '../../updates/sysupdate.js';
import { defineHelperCommand } from '../helper-command.js';

export function makeSysupdateUpdateCommand(binary: string = SYSUPDATE_BINARY) {
  return defineHelperCommand({
    name: 'sysupdate.update',
    schema: z.strictObject({
      /** A version as the update server names it; null: the newest one offered. */
      version: z.string().regex(SYSUPDATE_VERSION, 'must be a release version such as 1.2.0').nullable().default(null),
      reboot: z.boolean().default(false),
    }),
    async run(args, ctx) {
      ctx.logger.info('sysupdate: installing', { version: args.version ?? 'newest', reboot: args.reboot });
      return sysupdateUpdate(ctx.run, { version: args.version, reboot: args.reboot }, binary);
    },
  });
}

export const sysupdateUpdateCommand = makeSysupdateUpdateCommand();
