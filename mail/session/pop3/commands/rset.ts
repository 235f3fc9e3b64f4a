// RSET: unmark every message marked deleted.

import { okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';
import { transaction } from './transaction.js';

export async function rset(ctx: Pop3Context): Promise<void> {
  const { drop } = transaction(ctx);
  drop.reset();
  const { count, octets } = drop.stat();
  await ctx.conn.write(okLine(`${count} messages (${octets} octets)`));
}
