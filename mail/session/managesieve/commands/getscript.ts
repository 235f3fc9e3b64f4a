// GETSCRIPT name (RFC 5804 section 2.9): the script as a literal, then OK.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { manageSieveErrors } from '../errors.js';
import { strings } from './args.js';
import { authenticatedUser, storeCall } from './store-call.js';

export async function getscript(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  const [name] = strings('GETSCRIPT', args, 1);
  const source = await storeCall(() => ctx.deps.scripts.getScript(user.id, name!), name!);
  if (source === null) throw manageSieveErrors.nonexistent(name!);
  await ctx.conn.write(`{${Buffer.byteLength(source)}}\r\n${source}\r\n` + response('OK', 'Getscript completed'));
}
