// firewall.check {}: renders the ruleset from the config and has nft check it (nft -c); nothing changes.

import { z } from 'zod';
import { configuredPolicy, firewallService } from '../../firewall/firewall-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';

export const firewallCheckCommand = defineHelperCommand({
  name: 'firewall.check',
  schema: z.strictObject({}),
  async run(_args, ctx) {
    const script = await firewallService(ctx).check(configuredPolicy(ctx));
    return { valid: true, script };
  },
});
