// When a session may tell the client of expunged messages (untagged EXPUNGE / VANISHED).

import type { ImapCommand } from '../../protocol/imap/index.js';

/**
 * RFC 9051 section 7.5.1: no EXPUNGE while the client may be using sequence numbers, i.e. during
 * FETCH, STORE and SEARCH (and SORT and THREAD, which answer with sequence numbers too); their UID
 * forms are fine.
 */
export function allowsExpunge(cmd: ImapCommand): boolean {
  switch (cmd.name) {
    case 'FETCH': case 'STORE': case 'SEARCH': case 'SORT': case 'THREAD':
      return cmd.uid;
    default:
      return true;
  }
}
