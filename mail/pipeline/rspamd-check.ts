// The spam check at the end of DATA: rspamd's verdict (rspamd-verdict.ts) as a CheckResult, and
// the unavailable rule when rspamd cannot give one (connection refused, HTTP error, a reply that
// is not its JSON, or no answer within spam.timeout).
//
// Unavailable rspamd accepts by default (spam.onUnavailable = "accept"), with a warning in the
// log: a spam filter's outage should let mail keep flowing, as a mail admin expects (Postfix's
// milter_default_action for rspamd setups is usually "accept" too); the cost is some spam in
// inboxes while it is down. "defer" answers 451 instead, for sites that would rather delay mail
// than let unfiltered mail through.
//
// When the MX verifies SPF, DKIM and DMARC itself (inbound.verify), the check waits for that
// verdict and hands it to rspamd (ctx.verification, rspamd-auth-headers.ts) instead of having
// rspamd look up and compute the same things again; a message the verification refuses
// (DMARC p=reject) is not sent to rspamd at all.

import type { Logger } from '../../core/log.js';
import type { Check, CheckContext, CheckResult } from './contracts.js';
import type { VerifiedResults } from './rspamd-auth-headers.js';
import type { RspamdScanner } from './rspamd-client.js';
import { RspamdError } from './rspamd-http.js';
import { rspamdVerdict } from './rspamd-verdict.js';

export interface RspamdCheckOptions {
  scanner: RspamdScanner;
  onUnavailable: 'accept' | 'defer';
  logger: Logger;
}

/** The DATA-stage context with the MX's own verification, still running or done. */
export interface VerifiedCheckContext extends CheckContext {
  verification?: Promise<(VerifiedResults & { check: CheckResult }) | null>;
}

export function createRspamdCheck(options: RspamdCheckOptions): Check {
  return {
    name: 'rspamd',
    async data(ctx: VerifiedCheckContext, message): Promise<CheckResult> {
      // A verification that failed is the caller's to report; rspamd then checks without it.
      const verified = ctx.verification ? await ctx.verification.catch(() => null) : null;
      if (verified && (verified.check.action === 'reject' || verified.check.action === 'defer')) {
        return { action: 'accept', reason: 'not scanned: refused by verification' };
      }
      try {
        const reply = await options.scanner.check(message, {
          ip: ctx.remoteAddress, helo: ctx.helo, hostname: ctx.remoteHostname, mailFrom: ctx.mailFrom,
          recipients: ctx.recipients, queueId: ctx.queueId ?? null, user: ctx.authenticatedUser,
          authentication: verified,
        });
        return rspamdVerdict(reply);
      } catch (err) {
        if (!(err instanceof RspamdError)) throw err;
        const reason = `rspamd unavailable: ${err.message}`;
        options.logger.warn(options.onUnavailable === 'accept' ? 'rspamd unavailable, message accepted unfiltered' : 'rspamd unavailable, message deferred', {
          cid: ctx.connectionId, qid: ctx.queueId ?? null, err, outcome: options.onUnavailable === 'accept' ? 'unfiltered' : 'deferred',
        });
        if (options.onUnavailable === 'accept') return { action: 'accept', reason };
        return { action: 'defer', code: 451, enhanced: '4.3.0', message: 'Message could not be checked for spam now, try again later', reason };
      }
    },
  };
}
