// Which states a command may run in (RFC 9051 section 3), and the account of a logged-in
// session, for the handlers of the commands of any state.

import type { ImapCommand } from '../../protocol/imap/index.js';
import type { User } from '../../store/contracts.js';
import type { ImapContext } from './context.js';
import type { ImapStateKind } from './state.js';

export const ANY_STATE: readonly ImapStateKind[] = ['notAuthenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly ImapStateKind[] = ['notAuthenticated'];
export const AUTHENTICATED: readonly ImapStateKind[] = ['authenticated', 'selected'];

/** The logged-in account; the engine's state check guarantees there is one. */
export function sessionUser(ctx: ImapContext): User {
  const state = ctx.state;
  if (state.kind !== 'authenticated' && state.kind !== 'selected') throw new Error(`no user in state ${state.kind}`);
  return state.user;
}

/**
 * DELETE, SUBSCRIBE, UNSUBSCRIBE and GETQUOTAROOT share one command shape whose name is a union,
 * for which protocol's CommandOf<'DELETE'> (an Extract) is never; their handlers take this.
 */
export type OneMailboxCommand = Extract<ImapCommand, { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT' }>;
