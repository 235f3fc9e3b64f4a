// A POP3 session's state (RFC 1939 section 3) as a discriminated union: AUTHORIZATION until a
// login succeeds and the mailbox lock is taken, TRANSACTION while the client works on its
// snapshot, UPDATE once QUIT has started the expunge. 'closed' is after the goodbye.

import type { User } from '../../store/contracts.js';
import type { Maildrop } from './maildrop.js';

export type Pop3State =
  | {
    phase: 'authorization';
    /** The name from USER, waiting for PASS. */
    userName: string | null;
    /** AUTH PLAIN without an initial response: the next line is the client's response. */
    awaitingSasl: boolean;
  }
  | { phase: 'transaction'; user: User; drop: Maildrop; releaseLock: () => void }
  | { phase: 'update'; user: User }
  | { phase: 'closed' };

export type Pop3Phase = Pop3State['phase'];

export function initialState(): Pop3State {
  return { phase: 'authorization', userName: null, awaitingSasl: false };
}
