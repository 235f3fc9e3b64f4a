// CHECKSCRIPT script (RFC 5804 section 2.12): compile without storing.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { strings } from './args.js';
import { checkScriptSource } from './script-source.js';

export async function checkscript(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const [source] = strings('CHECKSCRIPT', args, 1);
  checkScriptSource(ctx, source!);
  await ctx.conn.write(response('OK', 'Script is valid'));
}
