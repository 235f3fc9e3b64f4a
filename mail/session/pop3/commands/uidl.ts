// UIDL [msg]: the store's stable unique id (UIDVALIDITY.UID: printable ASCII, at most 21
// characters, within RFC 1939's 1-70), so a client that leaves mail on the server recognises
// what it has already fetched.

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import { multiLine, okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';
import { message, transaction } from './transaction.js';

export async function uidl(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'UIDL' }>): Promise<void> {
  const { drop } = transaction(ctx);
  if (cmd.msg !== null) {
    await ctx.conn.write(okLine(`${cmd.msg} ${message(drop, cmd.msg).uniqueId}`));
    return;
  }
  await ctx.conn.write(multiLine('Unique ids follow', drop.visible().map(({ msg, ref }) => `${msg} ${ref.uniqueId}`)));
}
