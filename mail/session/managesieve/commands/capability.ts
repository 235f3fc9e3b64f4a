// CAPABILITY (RFC 5804 section 2.4).

import { response } from '../../../protocol/managesieve/index.js';
import { capabilities } from '../capabilities.js';
import type { ManageSieveContext } from '../context.js';
import type { CommandArg } from '../../../protocol/managesieve/index.js';
import { strings } from './args.js';

export async function capability(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  strings('CAPABILITY', args, 0);
  await ctx.conn.write(capabilities(ctx) + response('OK', 'Capability completed'));
}
