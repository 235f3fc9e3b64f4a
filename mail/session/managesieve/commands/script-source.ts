// The checks PUTSCRIPT and CHECKSCRIPT share: the size limit (NO (QUOTA/MAXSIZE)) and
// compilation, whose error goes back as `NO "line L: column C: message"`.

import { compileSieve, SieveSyntaxError } from '../../../protocol/sieve/index.js';
import type { ManageSieveContext } from '../context.js';
import { ManageSieveError } from '../errors.js';

export function checkScriptSource(ctx: ManageSieveContext, source: string): void {
  const max = ctx.deps.limits.maxScriptSize;
  if (Buffer.byteLength(source) > max) throw new ManageSieveError('managesieve_too_large', `Script is larger than ${max} bytes`, 'QUOTA/MAXSIZE');
  try {
    compileSieve(source);
  } catch (err) {
    if (err instanceof SieveSyntaxError) throw new ManageSieveError('managesieve_script_invalid', err.message);
    throw err;
  }
}
