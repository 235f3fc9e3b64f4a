// firewall.unblock {ip}: takes one address out of the blocklist (fine when it was not in it).

import { z } from 'zod';
import { firewallService } from '../../firewall/firewall-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';
import { ipAddressArg } from './firewall-block.js';

export const firewallUnblockCommand = defineHelperCommand({
  name: 'firewall.unblock',
  schema: z.strictObject({ ip: ipAddressArg }),
  async run(args, ctx) {
    return firewallService(ctx).unblock(args.ip);
  },
});
