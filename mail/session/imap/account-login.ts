// The end of both login paths (LOGIN, AUTHENTICATE PLAIN): check the password, charge a failure
// to the client address (AuthPenalty's growing delay, shared with SMTP and POP3, then NO
// [AUTHENTICATIONFAILED]), take one of the account's session slots (NO [LIMIT] when it has
// limits.connectionsPerUser open), and move to the authenticated state. The tagged OK carries
// the new capability list (RFC 9051 section 6.2.3) so clients need not ask again.

import { normalizeAddress } from '../../../core/address.js';
import { ok, type CommandResult, type ImapContext } from './context.js';
import { imapErrors } from './errors.js';

const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms).unref(); });

export async function logIn(ctx: ImapContext, rawName: string, password: string, method: 'LOGIN' | 'PLAIN'): Promise<CommandResult> {
  const { deps } = ctx;
  const address = normalizeAddress(rawName);
  let user;
  try {
    user = address ? await deps.directory.verifyPassword(address, password) : null;
  } catch (err) {
    throw imapErrors.temporary(err);
  }
  if (!user) {
    const delayMs = deps.penalty.fail(ctx.remoteAddress);
    ctx.log.info('imap login failed', { method, user: address ?? rawName.slice(0, 100), delayMs, outcome: 'auth-failed' });
    await (deps.sleep ?? sleep)(delayMs);
    throw imapErrors.authFailed();
  }
  deps.penalty.succeed(ctx.remoteAddress);
  if (!deps.userSessions.acquire(user.id)) {
    ctx.log.info('imap too many sessions', { method, user: user.address, limit: deps.limits.connectionsPerUser, outcome: 'too-many-sessions' });
    throw imapErrors.tooManySessions();
  }
  const userId = user.id;
  ctx.onClose(() => deps.userSessions.release(userId));
  ctx.setState({ kind: 'authenticated', user });
  ctx.log.info('imap login', { method, user: user.address, outcome: 'authenticated' });
  return ok('Logged in', `CAPABILITY ${ctx.capabilities().join(' ')}`);
}
