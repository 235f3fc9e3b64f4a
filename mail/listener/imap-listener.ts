// An IMAP listener (143 with STARTTLS, or 993 with implicit TLS): the shared session listener
// (limits, TLS handshake, drain) with IMAP sessions. A client over the limits reads
// `* BYE [UNAVAILABLE]` instead of a greeting (RFC 9051 section 7.1.5) on the plain port.
// On drain, idle sessions and sessions in IDLE get `* BYE [UNAVAILABLE]` at once, busy ones after
// their current command (an APPEND being received finishes).

import { formatUntaggedStatus } from '../protocol/imap/index.js';
import type { ImapDeps } from '../session/imap/deps.js';
import { ImapSession } from '../session/imap/imap-session.js';
import { SessionListener, type ProtocolListenerOptions } from './session-listener.js';

/** name: 'imap' or 'imaps', for the logs; implicitTls for port 993. */
export type ImapListenerOptions = ProtocolListenerOptions<ImapDeps>;

export class ImapListener extends SessionListener {
  constructor(options: ImapListenerOptions) {
    super({
      ...options,
      protocol: 'imap',
      isBanned: (ip) => options.deps.penalty.isBanned(ip),
      createSession: (socket, info) => new ImapSession(options.deps, socket, info),
      refusal: (text) => formatUntaggedStatus('BYE', text, 'UNAVAILABLE'),
    });
  }
}
