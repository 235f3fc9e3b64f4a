// A ManageSieve listener (4190, STARTTLS): the shared session listener (limits, drain) with
// ManageSieve sessions. A client over the limits reads `BYE "..."` instead of the greeting.

import { response } from '../protocol/managesieve/index.js';
import type { ManageSieveDeps } from '../session/managesieve/deps.js';
import { ManageSieveSession } from '../session/managesieve/managesieve-session.js';
import { SessionListener, type ProtocolListenerOptions } from './session-listener.js';

export type ManageSieveListenerOptions = ProtocolListenerOptions<ManageSieveDeps>;

export class ManageSieveListener extends SessionListener {
  constructor(options: ManageSieveListenerOptions) {
    super({
      ...options,
      protocol: 'managesieve',
      createSession: (socket, info) => new ManageSieveSession(options.deps, socket, info),
      refusal: (text) => response('BYE', text, 'TRYLATER'),
    });
  }
}
