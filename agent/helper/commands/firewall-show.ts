// firewall.show {}: what is in force: our table (nft text and `nft -j` JSON), the blocklist with
// time left, and a change waiting for confirmation.

import { z } from 'zod';
import { firewallService } from '../../firewall/firewall-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';

export const firewallShowCommand = defineHelperCommand({
  name: 'firewall.show',
  schema: z.strictObject({}),
  async run(_args, ctx) {
    return firewallService(ctx).show();
  },
});
