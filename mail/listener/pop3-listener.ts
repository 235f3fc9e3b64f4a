// A POP3 listener (110 with STLS, or 995 with implicit TLS): the shared session listener
// (limits, TLS handshake, drain) with POP3's sessions and its refusal, `-ERR [SYS/TEMP]`.
// On drain, idle sessions are told -ERR [SYS/TEMP] at once, busy ones after their current
// command (a QUIT's expunge finishes); what is left at the deadline is cut off, which deletes
// nothing (UPDATE never ran).

import { errLine } from '../protocol/pop3/response.js';
import type { Pop3Deps } from '../session/pop3/deps.js';
import { Pop3Session } from '../session/pop3/pop3-session.js';
import { SessionListener, type ProtocolListenerOptions } from './session-listener.js';

/** name: 'pop3' or 'pop3s', for the logs; implicitTls for port 995. */
export type Pop3ListenerOptions = ProtocolListenerOptions<Pop3Deps>;

export class Pop3Listener extends SessionListener {
  constructor(options: Pop3ListenerOptions) {
    super({
      ...options,
      protocol: 'pop3',
      isBanned: (ip) => options.deps.penalty.isBanned(ip),
      createSession: (socket, info) => new Pop3Session(options.deps, socket, info),
      refusal: (text) => errLine(text, 'SYS/TEMP'),
    });
  }
}
