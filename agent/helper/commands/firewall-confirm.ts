// firewall.confirm {}: keeps the ruleset applied with a confirm timeout (no_pending_change if none).

import { z } from 'zod';
import { firewallService } from '../../firewall/firewall-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';

export const firewallConfirmCommand = defineHelperCommand({
  name: 'firewall.confirm',
  schema: z.strictObject({}),
  async run(_args, ctx) {
    return firewallService(ctx).confirm();
  },
});
