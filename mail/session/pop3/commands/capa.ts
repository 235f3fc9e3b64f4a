// CAPA (RFC 2449). Password mechanisms are listed only where they would be accepted, so a
// client that reads CAPA before STLS does not try them in the clear; STLS only before TLS.

import { multiLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';

export async function capa(ctx: Pop3Context): Promise<void> {
  const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (ctx.state.phase === 'authorization') {
    if (ctx.passwordsAllowed()) lines.push('USER', 'SASL PLAIN');
    if (!ctx.conn.secure && ctx.deps.tls) lines.push('STLS');
  }
  lines.push('IMPLEMENTATION Mailroom');
  await ctx.conn.write(multiLine('Capability list follows', lines));
}
