// What the MX session knows about one connection, typed. smtp-server keeps the envelope; this
// keeps what Mailroom decided about it (resolved mailboxes) and the connection's counters.

import type { Logger } from '../../../core/log.js';
import type { User } from '../../store/contracts.js';
import type { CheckContext } from '../../pipeline/contracts.js';

/** The mail transaction, as far as it got. */
export type Transaction =
  | { phase: 'idle' }
  /** MAIL FROM accepted; recipients are added as RCPT TO commands are accepted. */
  | { phase: 'envelope'; from: string; recipients: Map<string, User[]> }
  /** DATA: the body streams into the store under this queue id. */
  | { phase: 'data'; from: string; recipients: Map<string, User[]>; qid: string | null };

export interface ConnectionState {
  readonly cid: string;
  readonly log: Logger;
  readonly openedAt: number;
  remoteAddress: string;
  tls: boolean;
  /** The account that authenticated (submission only); null before AUTH and on the MX. */
  authUser: User | null;
  tx: Transaction;
  /** Replies of class 4 or 5 sent so far (limits.maxErrors). */
  errors: number;
  messages: number;
  /** Set by the listener when the client sent data before our 354; the message is refused. */
  dataRefused: string | null;
  /** Why the connection ended, for the close line. */
  outcome: string | null;
}

export function newConnectionState(cid: string, log: Logger, remoteAddress: string): ConnectionState {
  return { cid, log, openedAt: Date.now(), remoteAddress, tls: false, authUser: null, tx: { phase: 'idle' }, errors: 0, messages: 0, dataRefused: null, outcome: null };
}

export function checkContext(state: ConnectionState, session: { hostNameAppearsAs?: string | false; clientHostname?: string | false }, recipients: string[] = []): CheckContext {
  const tx = state.tx;
  return {
    connectionId: state.cid,
    remoteAddress: state.remoteAddress,
    remoteHostname: session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : null,
    helo: session.hostNameAppearsAs || null,
    tls: state.tls,
    authenticatedUser: state.authUser?.address ?? null,
    mailFrom: tx.phase === 'idle' ? null : tx.from,
    recipients,
  };
}
