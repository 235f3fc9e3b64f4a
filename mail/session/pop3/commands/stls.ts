// STLS (RFC 2595 section 4): only in AUTHORIZATION, only once, only with a certificate.

import { okLine } from '../../../protocol/pop3/response.js';
import type { Pop3Context } from '../context.js';
import { Pop3Error } from '../errors.js';

export async function stls(ctx: Pop3Context): Promise<void> {
  if (ctx.conn.secure) throw new Pop3Error('pop3_tls_active', 'TLS is already active');
  const context = ctx.deps.tls;
  if (!context) throw new Pop3Error('pop3_no_tls', 'STLS is not available', { respCode: 'SYS/PERM' });
  await ctx.conn.write(okLine('Begin TLS negotiation'));
  try {
    await ctx.conn.startTls(context);
  } catch (err) {
    ctx.log.info('pop3 tls handshake failed', { err, outcome: 'tls-failed' });
    ctx.conn.destroy();
    return;
  }
  // Nothing learned in the clear survives the switch (a USER name included).
  if (ctx.state.phase === 'authorization') ctx.state = { phase: 'authorization', userName: null, awaitingSasl: false };
  ctx.log.debug('pop3 tls started', { outcome: 'tls' });
}
