// AUTH PLAIN / LOGIN: checks the password with Directory.verifyPassword. Refused without TLS
// (538 5.7.11) unless auth.allowInsecure; smtp-server only enforces that while STARTTLS is on
// offer, so without a certificate this is the only guard. A failure costs the client address a
// growing delay (AuthPenalty) before the 535 5.7.8.

import type { SMTPServerAuthentication, SMTPServerSession } from 'smtp-server';
import { normalizeAddress } from '../../../core/address.js';
import type { SessionContext } from '../smtp/context.js';
import { stateOf } from '../smtp/context.js';
import { SmtpReplyError } from '../smtp/errors.js';
import type { SubmissionDeps } from './deps.js';
import { submissionReplies } from './replies.js';
import { SCRAM_MECHANISM } from '../../auth/scram-sha256.js';
import type { ScramAuthentication } from '../smtp/sasl-scram.js';

/** Offered after TLS; SCRAM keeps the password off the wire even inside it. */
export const PASSWORD_MECHANISMS = ['PLAIN', 'LOGIN', SCRAM_MECHANISM];

export async function onSubmissionAuth(deps: SubmissionDeps, ctx: SessionContext, auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<string> {
  const state = stateOf(ctx, session);
  const secure = state.tls || session.secure;
  if (!secure && !deps.allowInsecureAuth) {
    state.log.info('auth refused', { qid: null, method: auth.method, outcome: 'needs-tls' });
    throw new SmtpReplyError('auth_needs_tls', submissionReplies.encryptionRequired());
  }
  if (!PASSWORD_MECHANISMS.includes(auth.method)) throw new SmtpReplyError('auth_mechanism', submissionReplies.mechanismUnsupported());
  const username = normalizeAddress(auth.username ?? '');
  let user;
  try {
    if ((auth.method as string) === SCRAM_MECHANISM) {
      // The mechanism (smtp/sasl-scram.ts) has checked the proof; only its verdict comes here.
      user = username && (auth as unknown as ScramAuthentication).scramVerified ? await ctx.deps.directory.getUser(username) : null;
    } else {
      user = username ? await ctx.deps.directory.verifyPassword(username, auth.password ?? '') : null;
    }
  } catch (err) {
    state.log.error('auth lookup failed', { qid: null, err, outcome: 'error' });
    throw new SmtpReplyError('auth_lookup_failed', { code: 454, enhanced: '4.7.0', text: 'Temporary authentication failure' }, { cause: err });
  }
  if (!user) {
    const delay = deps.penalty.fail(state.remoteAddress);
    state.log.info('auth failed', { qid: null, method: auth.method, user: username ?? null, delayMs: delay, outcome: 'auth-failed' });
    await (deps.sleep ?? sleep)(delay);
    throw new SmtpReplyError('auth_failed', submissionReplies.authFailed());
  }
  deps.penalty.succeed(state.remoteAddress);
  state.authUser = user;
  state.log.info('authenticated', { qid: null, method: auth.method, user: user.address, outcome: 'authenticated' });
  return user.address;
}

const sleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms).unref(); });
