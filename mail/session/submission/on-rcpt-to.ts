// RCPT TO on submission: any domain (the sender is authenticated and owns the sender address).
// Unknown users of our own domains get 550 5.1.1 at once rather than a bounce later; local
// mailboxes are quota-checked like on the MX; the hourly recipient limit may defer (450 4.7.1).
// Foreign recipients are kept with no mailboxes: on-data.ts sends them to the spool.
// A mailing list's address (or one of its request addresses) is kept the same way, once the
// list's posting policy accepts the envelope sender (which submission has checked the user
// owns); the queue submission hands it to gives it to the list (lists/list-submission-queue.ts).

import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { SessionContext } from '../smtp/context.js';
import { stateOf } from '../smtp/context.js';
import { SmtpReplyError } from '../smtp/errors.js';
import { RCPT_PARAMS, unsupportedParam } from '../smtp/esmtp-params.js';
import { recipientAddress } from '../smtp/on-rcpt-to.js';
import { replies } from '../smtp/replies.js';
import { replyForCheck } from '../smtp/reply-for-check.js';
import { checkQuota, declaredSize } from '../../delivery/quota.js';
import type { Resolution } from '../../store/contracts.js';
import type { SubmissionDeps } from './deps.js';
import { submissionReplies } from './replies.js';
import { listsOf } from '../../lists/list-rcpt.js';

export async function onSubmissionRcptTo(deps: SubmissionDeps, ctx: SessionContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const state = stateOf(ctx, session);
  const tx = state.tx;
  const user = state.authUser;
  if (!user) throw new SmtpReplyError('auth_required', submissionReplies.authRequired());
  if (tx.phase !== 'envelope') throw new SmtpReplyError('bad_sequence', submissionReplies.needMail());
  const badParam = unsupportedParam(address, RCPT_PARAMS);
  if (badParam) throw new SmtpReplyError('unsupported_param', badParam);
  const addr = recipientAddress(address.address, ctx.deps.hostname);
  const log = state.log;
  if (!addr) throw new SmtpReplyError('bad_recipient', replies.badRecipient());

  if (!tx.recipients.has(addr)) {
    const rate = deps.rateLimit.checkRecipients(user.id, tx.recipients.size + 1);
    const rateReply = replyForCheck(rate);
    if (rateReply) {
      log.info('recipient refused', { qid: null, rcpt: addr, user: user.address, reason: 'reason' in rate ? rate.reason : null, outcome: 'deferred' });
      throw new SmtpReplyError('rate_limited', rateReply);
    }
  }

  const lists = listsOf(ctx.deps);
  if (lists) {
    let found;
    try {
      found = await lists.findRecipient(addr);
      if (found) {
        const decision = await lists.decideRecipient(found, tx.from);
        if (decision.kind === 'refuse') {
          log.info('recipient refused', { qid: null, rcpt: addr, list: found.list.address, role: found.role, outcome: decision.reason });
          throw new SmtpReplyError(`list_${decision.reason.replace(/-/g, '_')}`, decision.reply);
        }
      }
    } catch (err) {
      if (err instanceof SmtpReplyError) throw err;
      log.error('list lookup failed', { qid: null, rcpt: addr, err, outcome: 'deferred' });
      throw new SmtpReplyError('list_lookup_failed', replies.temporaryFailure(), { cause: err });
    }
    if (found) {
      tx.recipients.set(found.address, []);
      return;
    }
  }

  let resolution: Resolution;
  try {
    resolution = await ctx.deps.directory.resolve(addr);
  } catch (err) {
    log.error('recipient lookup failed', { qid: null, rcpt: addr, err, outcome: 'deferred' });
    throw new SmtpReplyError('directory_failed', replies.temporaryFailure(), { cause: err });
  }
  if (resolution.kind === 'unknown') {
    log.info('recipient refused', { qid: null, rcpt: addr, outcome: 'unknown-user' });
    throw new SmtpReplyError('no_such_user', replies.noSuchUser(addr));
  }
  if (resolution.kind === 'foreign') {
    tx.recipients.set(addr, []);
    return;
  }
  let quota;
  try {
    quota = await checkQuota(ctx.deps.mailStore, resolution.users, addr, declaredSize(session.envelope.mailFrom), { directory: ctx.deps.directory });
  } catch (err) {
    log.error('quota lookup failed', { qid: null, rcpt: addr, err, outcome: 'deferred' });
    throw new SmtpReplyError('quota_failed', replies.temporaryFailure(), { cause: err });
  }
  const quotaReply = replyForCheck(quota);
  if (quotaReply) {
    log.info('recipient refused', { qid: null, rcpt: addr, outcome: 'over-quota' });
    throw new SmtpReplyError('over_quota', quotaReply);
  }
  tx.recipients.set(addr, resolution.users);
}
