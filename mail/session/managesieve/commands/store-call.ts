// Store refusals as ManageSieve answers: a missing script is NONEXISTENT, deleting the active
// one ACTIVE, a rename onto an existing name ALREADYEXISTS, too many scripts QUOTA/MAXSCRIPTS;
// anything unexpected is a temporary failure (TRYLATER) with its cause logged.

import { MailroomError } from '../../../../core/errors.js';
import type { User } from '../../../store/contracts.js';
import type { ManageSieveContext } from '../context.js';
import { ManageSieveError, manageSieveErrors } from '../errors.js';

const RESPONSE_CODES: Record<string, string | null> = {
  sieve_script_not_found: 'NONEXISTENT',
  sieve_script_active: 'ACTIVE',
  sieve_script_exists: 'ALREADYEXISTS',
  sieve_too_many_scripts: 'QUOTA/MAXSCRIPTS',
  sieve_name_invalid: null,
};

export async function storeCall<T>(call: () => Promise<T>, name: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof MailroomError && err.code in RESPONSE_CODES) {
      if (err.code === 'sieve_script_not_found') throw manageSieveErrors.nonexistent(name);
      throw new ManageSieveError(err.code, err.message, RESPONSE_CODES[err.code] ?? null);
    }
    throw manageSieveErrors.temporary(err);
  }
}

export function authenticatedUser(ctx: ManageSieveContext): User {
  if (ctx.state.phase !== 'authenticated') throw manageSieveErrors.needsAuth();
  return ctx.state.user;
}
