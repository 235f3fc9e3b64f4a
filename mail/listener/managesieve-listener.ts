// A ManageSieve listener (4190, STARTTLS): the shared session listener (limits, drain) with
// ManageSieve sessions. A client over the limits reads `BYE "..."` instead of the greeting.

import type tls from 'node:tls';
import type { Logger } from '../../core/log.js';
import { response } from '../protocol/managesieve/index.js';
import type { ManageSieveDeps } from '../session/managesieve/deps.js';
import { ManageSieveSession } from '../session/managesieve/managesieve-session.js';
import { SessionListener } from './session-listener.js';

export interface ManageSieveListenerOptions {
  name: string;
  limits: { connectionsPerIp: number; maxConnections: number };
  deps: ManageSieveDeps;
  logger: Logger;
  implicitTls?: tls.SecureContext | null;
}

export class ManageSieveListener extends SessionListener {
  constructor(options: ManageSieveListenerOptions) {
    super({
      name: options.name,
      protocol: 'managesieve',
      limits: options.limits,
      logger: options.logger,
      implicitTls: options.implicitTls ?? null,
      createSession: (socket, info) => new ManageSieveSession(options.deps, socket, info),
      refusal: (text) => response('BYE', text, 'TRYLATER'),
    });
  }
}
