// MAIL FROM on submission: only after AUTH (530 5.7.0), only a sender the user owns (553 5.7.1),
// and only within her hourly message limit (450 4.7.1).

import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { normalizeAddress } from '../../../core/address.js';
import type { SessionContext } from '../smtp/context.js';
import { stateOf } from '../smtp/context.js';
import { SmtpReplyError } from '../smtp/errors.js';
import { MAIL_PARAMS, unsupportedParam } from '../smtp/esmtp-params.js';
import { replies } from '../smtp/replies.js';
import { replyForCheck } from '../smtp/reply-for-check.js';
import type { SubmissionDeps } from './deps.js';
import { submissionReplies } from './replies.js';
import { checkEnvelopeSender } from './sender-ownership.js';

export async function onSubmissionMailFrom(deps: SubmissionDeps, ctx: SessionContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const state = stateOf(ctx, session);
  const user = state.authUser;
  if (!user) throw new SmtpReplyError('auth_required', submissionReplies.authRequired());
  const raw = address.address;
  if (raw !== '' && !raw.includes('@')) throw new SmtpReplyError('bad_sender', replies.badSender());
  const badParam = unsupportedParam(address, MAIL_PARAMS);
  if (badParam) throw new SmtpReplyError('unsupported_param', badParam);
  const from = raw === '' ? '' : normalizeAddress(raw) ?? raw;

  let verdict;
  try {
    verdict = await checkEnvelopeSender(ctx.deps.directory, user, from);
  } catch (err) {
    state.log.error('sender lookup failed', { qid: null, from, err, outcome: 'deferred' });
    throw new SmtpReplyError('directory_failed', replies.temporaryFailure(), { cause: err });
  }
  if (verdict.action === 'accept') verdict = deps.rateLimit.checkMessage(user.id);
  const reply = replyForCheck(verdict);
  if (reply) {
    state.log.info('sender refused', { qid: null, from, user: user.address, reason: 'reason' in verdict ? verdict.reason : null, outcome: reply.code >= 500 ? 'rejected' : 'deferred' });
    throw new SmtpReplyError(reply.code >= 500 ? 'sender_not_owned' : 'rate_limited', reply);
  }
  state.tx = { phase: 'envelope', from, recipients: new Map() };
}
