// firewall.block {ip, seconds}: puts one address (IPv4 or IPv6, never a network) into the
// blocklist for `seconds`; blocking it again re-arms the timeout. Its open connections are cut.

import { isIP } from 'node:net';
import { z } from 'zod';
import { firewallService } from '../../firewall/firewall-in-helper.js';
import { defineHelperCommand } from '../helper-command.js';

export const ipAddressArg = z.string().max(64).refine((v) => !v.includes('%') && isIP(v) !== 0, 'must be one IPv4 or IPv6 address (no /prefix)');

export const firewallBlockCommand = defineHelperCommand({
  name: 'firewall.block',
  schema: z.strictObject({
    ip: ipAddressArg,
    seconds: z.number().int().min(1).max(365 * 86400),
  }),
  async run(args, ctx) {
    return firewallService(ctx).block(args.ip, args.seconds);
  },
});
