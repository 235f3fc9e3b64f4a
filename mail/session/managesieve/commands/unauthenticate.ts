// UNAUTHENTICATE (RFC 5804 section 2.14.1): back to the state before AUTHENTICATE.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { authenticatedUser } from './store-call.js';

export async function unauthenticate(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  authenticatedUser(ctx);
  strings('UNAUTHENTICATE', args, 0);
  ctx.state = { phase: 'anonymous' };
  await ctx.conn.write(response('OK', 'Unauthenticate completed'));
}
