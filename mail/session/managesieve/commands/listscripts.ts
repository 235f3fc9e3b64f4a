// LISTSCRIPTS (RFC 5804 section 2.7): one line per script, the active one marked ACTIVE.

import { encodeString, response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { authenticatedUser, storeCall } from './store-call.js';

export async function listscripts(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  strings('LISTSCRIPTS', args, 0);
  const scripts = await storeCall(() => ctx.deps.scripts.listScripts(user.id), '');
  await ctx.conn.write(scripts.map((s) => `${encodeString(s.name)}${s.active ? ' ACTIVE' : ''}\r\n`).join('') + response('OK', 'Listscripts completed'));
}
