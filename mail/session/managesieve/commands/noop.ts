// NOOP [tag] (RFC 5804 section 2.13): the tag comes back in a TAG response code.

import { encodeString, response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';

export async function noop(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const [tag] = strings('NOOP', args, 0, 1);
  await ctx.conn.write(response('OK', 'Done', tag !== undefined ? `TAG ${encodeString(tag)}` : null));
}
