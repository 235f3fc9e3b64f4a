// DELETESCRIPT name (RFC 5804 section 2.10): the active script cannot be deleted (NO (ACTIVE)).

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { authenticatedUser, storeCall } from './store-call.js';

export async function deletescript(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  const [name] = strings('DELETESCRIPT', args, 1);
  await storeCall(() => ctx.deps.scripts.deleteScript(user.id, name!), name!);
  ctx.log.info('managesieve script deleted', { user: user.address, script: name, outcome: 'deleted' });
  await ctx.conn.write(response('OK', 'Script deleted'));
}
