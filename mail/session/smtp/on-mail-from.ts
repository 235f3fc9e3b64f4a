// MAIL FROM: starts a transaction. The sender is not verified here (that is SPF/DMARC's job in
// the pipeline); the disk reserve and other mailFrom checks may defer.

import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { SessionContext } from './context.js';
import { stateOf } from './context.js';
import { SmtpReplyError } from './errors.js';
import { replyForCheck } from './reply-for-check.js';
import { replies } from './replies.js';
import { runChecks } from './run-checks.js';
import { checkContext } from './state.js';
import { normalizeAddress } from '../../../core/address.js';
import { MAIL_PARAMS, unsupportedParam } from './esmtp-params.js';

export async function onMailFrom(ctx: SessionContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
  const state = stateOf(ctx, session);
  const raw = address.address;
  // smtp-server has checked the syntax; keep what the client wrote when our stricter parser
  // disagrees (quoted local parts, address literals), it only ends up in Return-Path.
  const from = raw === '' ? '' : normalizeAddress(raw) ?? raw;
  if (raw !== '' && !raw.includes('@')) throw new SmtpReplyError('bad_sender', replies.badSender());
  const badParam = unsupportedParam(address, MAIL_PARAMS);
  if (badParam) throw new SmtpReplyError('unsupported_param', badParam);
  state.tx = { phase: 'envelope', from, recipients: new Map() };
  const { result, check } = await runChecks(ctx.deps.checks ?? [], 'mailFrom', checkContext(state, session));
  const reply = replyForCheck(result);
  if (reply) {
    state.tx = { phase: 'idle' };
    state.log.info('sender refused', { qid: null, from, check, reason: 'reason' in result ? result.reason : null, outcome: reply.code >= 500 ? 'rejected' : 'deferred' });
    throw new SmtpReplyError(`check_${check}`, reply);
  }
}
