// A client connected: log it and run the connect-stage checks.

import type { SMTPServerSession } from 'smtp-server';
import type { SessionContext } from './context.js';
import { stateOf } from './context.js';
import { SmtpReplyError } from './errors.js';
import { replyForCheck } from './reply-for-check.js';
import { runChecks } from './run-checks.js';
import { checkContext } from './state.js';

export async function onConnect(ctx: SessionContext, session: SMTPServerSession): Promise<void> {
  const state = stateOf(ctx, session);
  state.remoteAddress = session.remoteAddress;
  const { result, check } = await runChecks(ctx.deps.checks ?? [], 'connect', checkContext(state, session));
  const reply = replyForCheck(result);
  if (reply) {
    state.outcome = `refused by ${check}`;
    state.log.info('connection refused', { qid: null, remote: state.remoteAddress, check, reason: 'reason' in result ? result.reason : null, outcome: 'refused' });
    throw new SmtpReplyError(`check_${check}`, reply);
  }
}
