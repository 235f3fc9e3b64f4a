// SETACTIVE name (RFC 5804 section 2.8); the empty name deactivates every script.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { authenticatedUser, storeCall } from './store-call.js';

export async function setactive(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  const [name] = strings('SETACTIVE', args, 1);
  await storeCall(() => ctx.deps.scripts.setActive(user.id, name === '' ? null : name!), name!);
  ctx.log.info('managesieve script activated', { user: user.address, script: name || null, outcome: 'activated' });
  await ctx.conn.write(response('OK', name === '' ? 'No script is active' : 'Script activated'));
}
