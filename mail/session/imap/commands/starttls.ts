// STARTTLS (RFC 9051 section 6.2.1): only before login, only once, only with a certificate. The
// tagged OK goes in the clear; then the handshake, and whatever the client sent after the
// command in the clear is thrown away (the engine's afterReply step).

import { NOT_AUTHENTICATED } from '../command-states.js';
import { ok, type CommandSpec } from '../context.js';
import { ImapCommandError } from '../errors.js';

export const STARTTLS: CommandSpec<'STARTTLS'> = {
  states: NOT_AUTHENTICATED,
  async run(ctx) {
    if (ctx.secure) throw new ImapCommandError('imap_tls_active', 'TLS is already active', { status: 'BAD' });
    if (!ctx.deps.tls) throw new ImapCommandError('imap_no_tls', 'STARTTLS is not available', { status: 'BAD' });
    ctx.startTlsAfterReply();
    return ok('Begin TLS negotiation now');
  },
};
