// RETR msg: the whole message, streamed and dot-stuffed.

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import type { Pop3Context } from '../context.js';
import { sendBody } from './send-body.js';
import { message, transaction } from './transaction.js';

export async function retr(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'RETR' }>): Promise<void> {
  const ref = message(transaction(ctx).drop, cmd.msg);
  await sendBody(ctx, ref, `${ref.size} octets`);
}
