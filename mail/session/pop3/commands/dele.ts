// DELE msg: only marks the message; the store is changed at QUIT (UPDATE state), so a dropped
// connection deletes nothing.

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import { okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';
import { message, transaction } from './transaction.js';

export async function dele(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'DELE' }>): Promise<void> {
  const { drop } = transaction(ctx);
  message(drop, cmd.msg);
  drop.markDeleted(cmd.msg);
  await ctx.conn.write(okLine(`Message ${cmd.msg} deleted`));
}
