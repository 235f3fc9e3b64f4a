// USER name (RFC 1939). Refused without TLS (unless auth.allowInsecure): even the name should
// not cross the wire in the clear, and the password would follow it.

import { okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Command } from '../../../protocol/pop3/command.js';
import type { Pop3Context } from '../context.js';
import { pop3Errors } from '../errors.js';

export async function user(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'USER' }>): Promise<void> {
  if (!ctx.passwordsAllowed()) throw pop3Errors.needsTls();
  ctx.state = { phase: 'authorization', userName: cmd.name, awaitingSasl: false };
  await ctx.conn.write(okLine('Send your password'));
}
