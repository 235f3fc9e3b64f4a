// helper.ping {}: is the helper there, which version, which commands. Changes nothing.

import { z } from 'zod';
import { packageVersion } from '../../../mail/control/package-version.js';
import { defineHelperCommand } from '../helper-command.js';

export const helperPingCommand = defineHelperCommand({
  name: 'helper.ping',
  schema: z.strictObject({}),
  async run() {
    return { pong: true, version: packageVersion(), pid: process.pid };
  },
});
