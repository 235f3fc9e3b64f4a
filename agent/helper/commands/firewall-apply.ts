// firewall.apply {confirmSeconds?}: replaces table inet mailroom with the ruleset rendered from
// the config, in one nft transaction, keeping the blocklist. With confirmSeconds the previous
// ruleset comes back by itself unless firewall.confirm arrives in time.

import { z } from 'zod';
import { configuredPolicy, firewallService } from '../../firewall/firewall-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';

export const firewallApplyCommand = defineHelperCommand({
  name: 'firewall.apply',
  schema: z.strictObject({
    confirmSeconds: z.number().int().min(1).max(3600).nullable().default(null),
  }),
  async run(args, ctx) {
    return firewallService(ctx).apply(configuredPolicy(ctx), args.confirmSeconds);
  },
});
