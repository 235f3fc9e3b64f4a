// STARTTLS (RFC 5804 section 2.2): after the handshake the server sends its capabilities again,
// since SASL may now offer PLAIN. Nothing the client sent in the clear survives the switch.

import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import { capabilities } from '../capabilities.js';
import type { ManageSieveContext } from '../context.js';
import { ManageSieveError } from '../errors.js';
import { strings } from './args.js';

export async function starttls(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  strings('STARTTLS', args, 0);
  if (ctx.conn.secure) throw new ManageSieveError('managesieve_tls_active', 'TLS is already active');
  const context = ctx.deps.tls;
  if (!context) throw new ManageSieveError('managesieve_no_tls', 'STARTTLS is not available');
  await ctx.conn.write(response('OK', 'Begin TLS negotiation now'));
  try {
    await ctx.conn.startTls(context);
  } catch (err) {
    ctx.log.info('managesieve tls handshake failed', { err, outcome: 'tls-failed' });
    ctx.conn.destroy();
    return;
  }
  ctx.log.debug('managesieve tls started', { outcome: 'tls' });
  await ctx.conn.write(capabilities(ctx) + response('OK', 'TLS negotiation successful'));
}
