// PASS password (RFC 1939): only right after USER.

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import type { Pop3Context } from '../context.js';
import { Pop3Error, pop3Errors } from '../errors.js';
import { login } from '../login.js';

export async function pass(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'PASS' }>): Promise<void> {
  if (!ctx.passwordsAllowed()) throw pop3Errors.needsTls();
  if (ctx.state.phase !== 'authorization' || ctx.state.userName === null) throw new Pop3Error('pop3_pass_without_user', 'Send USER first');
  await login(ctx, ctx.state.userName, cmd.password, 'USER');
}
