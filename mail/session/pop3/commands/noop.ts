// NOOP: keeps the connection alive (the idle timer restarts on any input).

import { okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';

export async function noop(ctx: Pop3Context): Promise<void> {
  await ctx.conn.write(okLine());
}
