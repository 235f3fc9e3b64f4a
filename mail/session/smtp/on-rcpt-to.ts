// RCPT TO: only our own mailboxes. Unknown users of our domains get 550 5.1.1, any other domain
// 550 5.7.1 (the MX never relays; submission with AUTH is a separate listener). Checks (disk
// reserve ...) and the mailbox quota may defer. smtp-server itself enforces
// limits.maxRecipients (452 4.5.3) before this runs.

import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { SessionContext } from './context.js';
import { stateOf } from './context.js';
import { SmtpReplyError } from './errors.js';
import { replyForCheck } from './reply-for-check.js';
import { replies } from './replies.js';
import { runChecks } from './run-checks.js';
import { checkContext } from './state.js';
import { normalizeAddress } from '../../../core/address.js';
import { checkQuota, declaredSize } from '../../delivery/quota.js';
import type { Resolution } from '../../store/contracts.js';
import { RCPT_PARAMS, unsupportedParam } from './esmtp-params.js';
import { planForwardRecipient, planSrsRecipient, type RcptForwarding } from '../../delivery/forward-plan.js';
import { rememberForward } from '../../delivery/forward-envelope.js';
import { planListRecipient } from '../../lists/list-rcpt.js';

/** The normalised recipient; the domain-less "postmaster" of RFC 5321 4.1.1.3 is ours. */
export function recipientAddress(raw: string, hostname: string): string | null {
  return raw.toLowerCase() === 'postmaster' ? normalizeAddress(`postmaster@${hostname}`) : normalizeAddress(raw);
}

export async function onRcptTo(ctx: SessionContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const state = stateOf(ctx, session);
  const tx = state.tx;
  if (tx.phase !== 'envelope') throw new SmtpReplyError('bad_sequence', { code: 503, enhanced: '5.5.1', text: 'Error: need MAIL command' });
  const raw = address.address;
  const badParam = unsupportedParam(address, RCPT_PARAMS);
  if (badParam) throw new SmtpReplyError('unsupported_param', badParam);
  // Bounces to our SRS addresses (forwarded mail): verified and sent back, before the address is
  // parsed (SRS local parts may be longer than 64 characters). See delivery/forward-plan.ts.
  const forwarding = ctx.deps.forwarding ?? null;
  const srs = forwarding ? await planSrsRecipient(forwarding, raw) : null;
  if (srs?.kind === 'refuse') {
    state.log.info('recipient refused', { qid: null, rcpt: raw, outcome: srs.reason });
    throw new SmtpReplyError('srs_refused', srs.reply);
  }
  if (srs?.kind === 'accept') {
    rememberForward(tx, raw, srs.forward);
    tx.recipients.set(raw.toLowerCase(), srs.forward.users);
    return;
  }
  // Mailing lists (mail/lists/list-rcpt.ts): the list and its request and VERP bounce addresses.
  const listed = await planListRecipient(ctx.deps, tx, raw, state.log);
  if (listed?.kind === 'refuse') throw new SmtpReplyError(listed.code, listed.reply);
  if (listed?.kind === 'accept') { tx.recipients.set(listed.address, []); return; }
  const addr = recipientAddress(raw, ctx.deps.hostname);
  const log = state.log;
  if (!addr) {
    log.info('recipient refused', { qid: null, rcpt: raw, outcome: 'bad-syntax' });
    throw new SmtpReplyError('bad_recipient', replies.badRecipient());
  }

  let resolution: Resolution;
  let forwarded: RcptForwarding | null = null;
  try {
    resolution = await ctx.deps.directory.resolve(addr);
    forwarded = forwarding ? await planForwardRecipient(forwarding.forwards, addr, resolution) : null;
    if (forwarded?.kind === 'accept') resolution = { kind: 'mailboxes', users: forwarded.forward.users };
  } catch (err) {
    log.error('recipient lookup failed', { qid: null, rcpt: addr, err, outcome: 'deferred' });
    throw new SmtpReplyError('directory_failed', replies.temporaryFailure(), { cause: err });
  }
  if (resolution.kind === 'unknown') {
    log.info('recipient refused', { qid: null, rcpt: addr, outcome: 'unknown-user' });
    throw new SmtpReplyError('no_such_user', replies.noSuchUser(addr));
  }
  if (resolution.kind === 'foreign' || (resolution.users.length === 0 && forwarded?.kind !== 'accept')) {
    log.info('recipient refused', { qid: null, rcpt: addr, outcome: 'relay-denied' });
    throw new SmtpReplyError('relay_denied', replies.relayDenied(addr));
  }

  const recipients = [...tx.recipients.keys(), addr];
  const { result, check } = await runChecks(ctx.deps.checks ?? [], 'rcptTo', checkContext(state, session, recipients), addr);
  const reply = replyForCheck(result);
  if (reply) {
    log.info('recipient refused', { qid: null, rcpt: addr, check, reason: 'reason' in result ? result.reason : null, outcome: reply.code >= 500 ? 'rejected' : 'deferred' });
    throw new SmtpReplyError(`check_${check}`, reply);
  }

  let quota;
  try {
    // SIZE= of MAIL FROM lets a too-big or would-overflow message be refused per recipient here.
    quota = await checkQuota(ctx.deps.mailStore, resolution.users, addr, declaredSize(session.envelope.mailFrom), { directory: ctx.deps.directory });
  } catch (err) {
    log.error('quota lookup failed', { qid: null, rcpt: addr, err, outcome: 'deferred' });
    throw new SmtpReplyError('quota_failed', replies.temporaryFailure(), { cause: err });
  }
  const quotaReply = replyForCheck(quota);
  if (quotaReply) {
    log.info('recipient refused', { qid: null, rcpt: addr, reason: 'reason' in quota ? quota.reason : null, outcome: 'over-quota' });
    throw new SmtpReplyError('over_quota', quotaReply);
  }

  // The same address twice (smtp-server answers 250 again) or under another spelling maps once.
  tx.recipients.set(addr, resolution.users);
  if (forwarded?.kind === 'accept') rememberForward(tx, addr, forwarded.forward);
}
