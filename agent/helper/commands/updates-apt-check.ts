// updates.apt-check {}: refreshes apt's package lists and simulates an upgrade; returns the
// pending packages (security ones marked). Changes no installed package.

import { z } from 'zod';
import { checkApt } from '../../updates/apt-updates.js';
import { helperCommandRunner } from '../../updates/helper-runner.js';
import { defineHelperCommand } from '../helper-command.js';

export const updatesAptCheckCommand = defineHelperCommand({
  name: 'updates.apt-check',
  schema: z.strictObject({}),
  async run(_args, ctx) {
    return checkApt(helperCommandRunner(ctx.run), { refresh: true });
  },
});
