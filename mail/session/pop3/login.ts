// The end of every login path (USER/PASS, AUTH PLAIN): check the password, charge a failure to
// the client address (AuthPenalty's growing delay, then -ERR [AUTH]), take the mailbox lock
// (-ERR [IN-USE] while another session has it), and snapshot INBOX for the TRANSACTION state.
// An address banned for failed logins (mail/auth/ban-list.ts) is refused before the password is
// looked at, the right one included.

import { normalizeAddress } from '../../../core/address.js';
import { okLine } from '../../protocol/pop3/response.js';
import type { Pop3Context } from './context.js';
import { Pop3Error, pop3Errors } from './errors.js';
import { Maildrop } from './maildrop.js';
import { initialState } from './state.js';

const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms).unref(); });

export async function login(ctx: Pop3Context, rawName: string, password: string, method: 'USER' | 'PLAIN'): Promise<void> {
  const { deps } = ctx;
  // Whatever happens next, the client starts over with USER or AUTH.
  ctx.state = initialState();
  if (deps.penalty.isBanned(ctx.remoteAddress)) {
    ctx.log.info('pop3 login refused, address banned', { method, outcome: 'banned' });
    throw new Pop3Error('pop3_banned', 'Too many failed logins from your address, try again later', { respCode: 'SYS/TEMP' });
  }
  const address = normalizeAddress(rawName);
  let user;
  try {
    user = address ? await deps.directory.verifyPassword(address, password) : null;
  } catch (err) {
    throw pop3Errors.temporary(err);
  }
  if (!user) {
    const delayMs = deps.penalty.fail(ctx.remoteAddress);
    ctx.log.info('pop3 login failed', { method, user: address ?? rawName.slice(0, 100), delayMs, outcome: 'auth-failed' });
    await (deps.sleep ?? sleep)(delayMs);
    throw pop3Errors.authFailed();
  }
  deps.penalty.succeed(ctx.remoteAddress);

  const releaseLock = deps.locks.tryLock(user.id, ctx.cid);
  if (!releaseLock) {
    ctx.log.info('pop3 mailbox in use', { method, user: user.address, holder: deps.locks.holder(user.id), outcome: 'in-use' });
    throw pop3Errors.inUse();
  }
  let refs;
  try {
    refs = await deps.mailStore.listMessageRefs(user.id, 'INBOX');
  } catch (err) {
    releaseLock();
    throw pop3Errors.temporary(err);
  }
  // The connection may have gone while we waited; the lock must not outlive it.
  if (ctx.conn.closed) { releaseLock(); return; }
  const drop = new Maildrop(refs);
  ctx.state = { phase: 'transaction', user, drop, releaseLock };
  const { count, octets } = drop.stat();
  ctx.log.info('pop3 login', { method, user: user.address, messages: count, octets, outcome: 'authenticated' });
  await ctx.conn.write(okLine(`Logged in, ${count} messages (${octets} octets)`));
}
