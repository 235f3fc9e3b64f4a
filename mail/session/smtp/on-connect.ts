// A client connected: refuse it if its address is banned for failed logins (every SMTP port;
// the firewall may not have the ban yet, or may not run), else run the connect-stage checks.

import type { SMTPServerSession } from 'smtp-server';
import type { SessionContext } from './context.js';
import { stateOf } from './context.js';
import { SmtpReplyError } from './errors.js';
import { replyForCheck } from './reply-for-check.js';
import { checksFor, runChecks } from './run-checks.js';
import { checkContext } from './state.js';
import type { SmtpReply } from '../../protocol/smtp/reply.js';

export const BANNED_REPLY: SmtpReply = { code: 421, enhanced: '4.7.0', text: 'Too many failed logins from your address, try again later' };

export async function onConnect(ctx: SessionContext, session: SMTPServerSession): Promise<void> {
  const state = stateOf(ctx, session);
  state.remoteAddress = session.remoteAddress;
  if (ctx.deps.bans?.isBanned(state.remoteAddress)) {
    state.outcome = 'refused: banned';
    state.log.info('connection refused', { qid: null, remote: state.remoteAddress, check: 'ban', reason: 'address banned for failed logins', outcome: 'refused' });
    throw new SmtpReplyError('banned', BANNED_REPLY);
  }
  // Most MX configurations have no connect-stage check: then there is nothing to build or await.
  const checks = ctx.deps.checks ?? [];
  if (checksFor(checks, 'connect').length === 0) return;
  const { result, check } = await runChecks(checks, 'connect', checkContext(state, session));
  const reply = replyForCheck(result);
  if (reply) {
    state.outcome = `refused by ${check}`;
    state.log.info('connection refused', { qid: null, remote: state.remoteAddress, check, reason: 'reason' in result ? result.reason : null, outcome: 'refused' });
    throw new SmtpReplyError(`check_${check}`, reply);
  }
}
