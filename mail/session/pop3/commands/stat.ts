// STAT: count and octets of the messages not marked deleted.

import { okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';
import { transaction } from './transaction.js';

export async function stat(ctx: Pop3Context): Promise<void> {
  const { count, octets } = transaction(ctx).drop.stat();
  await ctx.conn.write(okLine(`${count} ${octets}`));
}
