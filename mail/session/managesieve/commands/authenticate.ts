// AUTHENTICATE "PLAIN" ["initial-response"] (RFC 5804 section 2.1, SASL PLAIN RFC 4616). Without
// an initial response we send an empty continuation ("") and the client's next line is its
// response, "*" cancelling. Passwords only over TLS unless auth.allowInsecure. A failure costs
// the client address the shared growing delay.

import { normalizeAddress } from '../../../../core/address.js';
import { response, type CommandArg } from '../../../protocol/managesieve/index.js';
import { decodeSaslPlain } from '../../../protocol/pop3/sasl-plain.js';
import type { ManageSieveContext } from '../context.js';
import { ManageSieveError, manageSieveErrors } from '../errors.js';
import { strings } from './args.js';

const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms).unref(); });

export async function authenticate(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  const [mechanism, initial] = strings('AUTHENTICATE', args, 1, 2);
  if (!ctx.passwordsAllowed()) throw manageSieveErrors.encryptNeeded();
  if (mechanism!.toUpperCase() !== 'PLAIN') throw new ManageSieveError('managesieve_auth_mechanism', 'Unsupported authentication mechanism');
  if (initial === undefined) {
    ctx.state = { phase: 'sasl' };
    await ctx.conn.write('""\r\n');
    return;
  }
  await plainResponse(ctx, initial);
}

/** The client's line after our continuation. */
export async function saslResponse(ctx: ManageSieveContext, args: CommandArg[]): Promise<void> {
  ctx.state = { phase: 'anonymous' };
  const [value] = strings('AUTHENTICATE response', args, 1);
  if (value === '*') throw new ManageSieveError('managesieve_auth_cancelled', 'Authentication cancelled');
  await plainResponse(ctx, value!);
}

async function plainResponse(ctx: ManageSieveContext, encoded: string): Promise<void> {
  const decoded = decodeSaslPlain(encoded.trim());
  const address = decoded.ok ? normalizeAddress(decoded.username) : null;
  let user = null;
  try {
    user = decoded.ok && address ? await ctx.deps.directory.verifyPassword(address, decoded.password) : null;
  } catch (err) {
    throw manageSieveErrors.temporary(err);
  }
  if (!user) {
    const delayMs = ctx.deps.penalty.fail(ctx.remoteAddress);
    ctx.log.info('managesieve login failed', { user: decoded.ok ? decoded.username.slice(0, 100) : null, delayMs, outcome: 'auth-failed' });
    await (ctx.deps.sleep ?? sleep)(delayMs);
    throw manageSieveErrors.authFailed();
  }
  ctx.deps.penalty.succeed(ctx.remoteAddress);
  ctx.state = { phase: 'authenticated', user };
  ctx.log.info('managesieve login', { user: user.address, outcome: 'authenticated' });
  await ctx.conn.write(response('OK', 'Logged in'));
}
