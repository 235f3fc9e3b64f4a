// The capability listing (RFC 5804 section 1.7): sent as the greeting, after STARTTLS and for
// CAPABILITY. SASL lists PLAIN only where a password may be sent (TLS, or auth.allowInsecure);
// STARTTLS only on a plain connection with a certificate.

import { SUPPORTED_EXTENSIONS } from '../../protocol/sieve/index.js';
import { capabilityLines } from '../../protocol/managesieve/index.js';
import type { ManageSieveContext } from './context.js';

export function capabilities(ctx: ManageSieveContext): string {
  const caps: [string, string | null][] = [
    ['IMPLEMENTATION', `Mailroom ${ctx.deps.version}`],
    ['SASL', ctx.passwordsAllowed() ? 'PLAIN' : ''],
    ['SIEVE', SUPPORTED_EXTENSIONS.join(' ')],
  ];
  if (ctx.deps.tls && !ctx.conn.secure) caps.push(['STARTTLS', null]);
  caps.push(['MAXREDIRECTS', String(ctx.deps.limits.maxRedirects)]);
  if (ctx.state.phase === 'authenticated') caps.push(['OWNER', ctx.state.user.address]);
  caps.push(['VERSION', '1.0']);
  return capabilityLines(caps);
}
