// An IMAP session's state (RFC 9051 section 3) as a discriminated union. The selected state
// carries the session's view of its folder (selected-mailbox.ts), which owns the sequence-number
// map and the changes other sessions made that this client has not been told yet.

import type { User } from '../../store/contracts.js';
import type { MailboxView } from './mailbox-view.js';

export type ImapState =
  | { kind: 'notAuthenticated' }
  | { kind: 'authenticated'; user: User }
  | { kind: 'selected'; user: User; mailbox: MailboxView }
  | { kind: 'logout' };

export type ImapStateKind = ImapState['kind'];
