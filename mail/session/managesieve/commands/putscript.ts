// PUTSCRIPT name script (RFC 5804 section 2.6): compile, then store (replacing a script of that
// name, which stays active if it was). A broken script is never stored.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { authenticatedUser, storeCall } from './store-call.js';
import { checkScriptSource } from './script-source.js';

export async function putscript(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  const [name, source] = strings('PUTSCRIPT', args, 2);
  checkScriptSource(ctx, source!);
  await storeCall(() => ctx.deps.scripts.putScript(user.id, name!, source!, { maxScripts: ctx.deps.limits.maxScripts }), name!);
  ctx.log.info('managesieve script stored', { user: user.address, script: name, size: Buffer.byteLength(source!), outcome: 'stored' });
  await ctx.conn.write(response('OK', 'Script stored'));
}
