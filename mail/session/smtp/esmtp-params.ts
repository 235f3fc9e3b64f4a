// ESMTP parameters of MAIL FROM and RCPT TO that the MX offers; anything else is refused with
// 555 5.5.4 (RFC 5321 4.1.1.11). smtp-server checks the syntax of those it knows but lets
// unknown ones through.

import type { SMTPServerAddress } from 'smtp-server';
import type { SmtpReply } from '../../protocol/smtp/reply.js';

/** SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531): what EHLO advertises. */
export const MAIL_PARAMS: ReadonlySet<string> = new Set(['SIZE', 'BODY', 'SMTPUTF8']);
/** DSN is not offered, so RCPT TO takes no parameters. */
export const RCPT_PARAMS: ReadonlySet<string> = new Set();

export function unsupportedParam(address: SMTPServerAddress, allowed: ReadonlySet<string>): SmtpReply | null {
  if (!address.args) return null;
  for (const key of Object.keys(address.args)) {
    if (!allowed.has(key.toUpperCase())) {
      const name = key.replace(/[^A-Za-z0-9-]/g, '?').slice(0, 32);
      return { code: 555, enhanced: '5.5.4', text: `Unsupported parameter ${name}` };
    }
  }
  return null;
}
