// LIST [msg]: octets per message. The size is the stored size, i.e. exactly the bytes RETR sends
// before dot-stuffing (stored messages have CRLF line endings).

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import { multiLine, okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';
import { message, transaction } from './transaction.js';

export async function list(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'LIST' }>): Promise<void> {
  const { drop } = transaction(ctx);
  if (cmd.msg !== null) {
    await ctx.conn.write(okLine(`${cmd.msg} ${message(drop, cmd.msg).size}`));
    return;
  }
  const { count, octets } = drop.stat();
  await ctx.conn.write(multiLine(`${count} messages (${octets} octets)`, drop.visible().map(({ msg, ref }) => `${msg} ${ref.size}`)));
}
