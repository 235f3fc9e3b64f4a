// sysupdate.check {}: asks systemd-sysupdate whether the update server offers a newer release
// than the installed ones (agent/updates/sysupdate.ts). Installs nothing. The binary's path is
// fixed here, never taken from config.json (the mail daemon's user owns that file, and the
// helper runs as root); tests make the command with a fake binary.

import { z } from 'zod';
import { SYSUPDATE_BINARY, sysupdateCheck } from '../../updates/sysupdate.js';
import { defineHelperCommand } from '../helper-command.js';

export function makeSysupdateCheckCommand(binary: string = SYSUPDATE_BINARY) {
  return defineHelperCommand({
    name: 'sysupdate.check',
    schema: z.strictObject({}),
    async run(_args, ctx) {
      return sysupdateCheck(ctx.run, binary);
    },
  });
}

export const sysupdateCheckCommand = makeSysupdateCheckCommand();
