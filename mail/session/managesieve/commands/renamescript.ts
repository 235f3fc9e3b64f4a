// RENAMESCRIPT old new (RFC 5804 section 2.11.1): keeps the active mark.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { authenticatedUser, storeCall } from './store-call.js';

export async function renamescript(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  const [from, to] = strings('RENAMESCRIPT', args, 2);
  await storeCall(() => ctx.deps.scripts.renameScript(user.id, from!, to!), from!);
  await ctx.conn.write(response('OK', 'Script renamed'));
}
