// LOGOUT (RFC 5804 section 2.3): OK, then the server closes.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';

export async function logout(ctx: ManageSieveContext, args: CommandArg[]): Promise<'close'> {
  strings('LOGOUT', args, 0);
  await ctx.conn.end(response('OK', 'Logout completed'));
  return 'close';
}
