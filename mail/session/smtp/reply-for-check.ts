// The one function that turns a policy verdict (CheckResult) into an SMTP reply, so every check
// speaks the same way. Accepting verdicts have no reply of their own.

import type { CheckResult } from '../../pipeline/contracts.js';
import { isValidReply, type SmtpReply } from '../../protocol/smtp/reply.js';

export function replyForCheck(result: CheckResult): SmtpReply | null {
  switch (result.action) {
    case 'accept':
    case 'junk':
    case 'add-headers':
      return null;
    case 'reject':
    case 'defer': {
      const fallback: SmtpReply = result.action === 'reject'
        ? { code: 550, enhanced: '5.7.1', text: 'Message refused' }
        : { code: 451, enhanced: '4.7.1', text: 'Try again later' };
      const reply: SmtpReply = { code: result.code, enhanced: result.enhanced, text: result.message };
      const wantClass = result.action === 'reject' ? 5 : 4;
      // A check that gets its own code wrong must not turn a refusal into an acceptance.
      return isValidReply(reply) && Math.floor(reply.code / 100) === wantClass ? reply : fallback;
    }
  }
}
