// HAVESPACE name size (RFC 5804 section 2.5): whether a PUTSCRIPT of that size would be taken.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { ManageSieveError, manageSieveErrors } from '../errors.js';
import { authenticatedUser, storeCall } from './store-call.js';

export async function havespace(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const user = authenticatedUser(ctx);
  if (args.length !== 2 || args[0]!.kind !== 'string' || args[1]!.kind !== 'number') throw manageSieveErrors.syntax('HAVESPACE takes a script name and a size');
  const name = args[0]!.value as string;
  const size = args[1]!.value as number;
  const { maxScriptSize, maxScripts } = ctx.deps.limits;
  if (size > maxScriptSize) throw new ManageSieveError('managesieve_too_large', `Scripts may be at most ${maxScriptSize} bytes`, 'QUOTA/MAXSIZE');
  const scripts = await storeCall(() => ctx.deps.scripts.listScripts(user.id), name);
  if (!scripts.some((s) => s.name === name) && scripts.length >= maxScripts) {
    throw new ManageSieveError('managesieve_too_many', `At most ${maxScripts} scripts`, 'QUOTA/MAXSCRIPTS');
  }
  await ctx.conn.write(response('OK', 'Putscript would succeed'));
}
