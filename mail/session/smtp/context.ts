// Shared by the verb handlers: the injected dependencies and the connection states by cid.

import type { SMTPServerSession } from 'smtp-server';
import type { SmtpSessionDeps } from './deps.js';
import { newConnectionState, type ConnectionState } from './state.js';

export interface SessionContext {
  readonly deps: SmtpSessionDeps;
  readonly states: Map<string, ConnectionState>;
  /** Deliveries in progress, so shutdown can wait for them. */
  readonly inFlight: Set<Promise<unknown>>;
}

export function stateOf(ctx: SessionContext, session: SMTPServerSession): ConnectionState {
  let state = ctx.states.get(session.id);
  if (!state) {
    // A connection handed to smtp-server without SmtpSessionServer.connect (should not happen).
    state = newConnectionState(session.id, ctx.deps.logger.child({ cid: session.id }), session.remoteAddress);
    ctx.states.set(session.id, state);
  }
  return state;
}
