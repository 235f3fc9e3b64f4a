// Delivery Status Notifications (RFC 3464) as multipart/report (RFC 6522): a human-readable
// part, a message/delivery-status part with one block per recipient, and the original headers
// (text/rfc822-headers, not the whole message: the body may be large and is the sender's own).
// Pure: ids, boundary and dates come from the caller.
//
// Loop guard: a DSN is sent with the null reverse-path (RFC 5321 §4.5.5) and
// `Auto-Submitted: auto-replied` (RFC 3834), and nothing is ever sent to the null sender, so a DSN
// that fails cannot produce another DSN.

import { MailroomError } from '../../core/errors.js';

export type DsnAction = 'failed' | 'delayed';

export interface DsnRecipient {
  address: string;
  action: DsnAction;
  /** Enhanced status code (RFC 3463), e.g. `5.1.1`. */
  status: string;
  /** The remote server's reply or our own reason, one line. */
  diagnostic?: string;
  /** `smtp` when `diagnostic` is a remote SMTP reply; otherwise the text is our own. */
  diagnosticType?: 'smtp' | 'x-local';
  /** The host that gave the reply. */
  remoteMta?: string;
  lastAttemptAt?: Date;
  /** For `delayed`: when the queue will give up. */
  willRetryUntil?: Date;
}

export interface DsnInput {
  /** Our host name (Reporting-MTA and the From domain). */
  reportingMta: string;
  /** The original envelope sender; the DSN goes there. Must not be the null sender. */
  originalSender: string;
  queueId: string;
  arrivalDate: Date;
  now: Date;
  recipients: DsnRecipient[];
  /** The original message's header block (up to the blank line). */
  originalHeaders: Buffer;
  messageId: string;
  boundary: string;
}

export interface BuiltDsn {
  /** Null reverse-path, one recipient: the original sender. */
  envelope: { from: ''; recipients: [string] };
  message: Buffer;
}

export class DsnError extends MailroomError {}

/** Whether a message from `sender` may be bounced: never to the null sender (RFC 5321 §6.1). */
export function mayBounceTo(sender: string): boolean {
  return sender.trim() !== '' && sender.trim() !== '<>';
}

const MAX_FIELD_LENGTH = 900;

export function buildDsn(input: DsnInput): BuiltDsn {
  if (!mayBounceTo(input.originalSender)) throw new DsnError('dsn_null_sender', 'a DSN is never sent to the null sender');
  if (input.recipients.length === 0) throw new DsnError('dsn_no_recipients', 'a DSN needs at least one recipient');
  const failed = input.recipients.every((r) => r.action === 'failed');
  const CRLF = '\r\n';
  const header = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.originalSender}>`,
    `Subject: ${failed ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${input.messageId}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${input.boundary}"`,
  ];
  const human = humanReadable(input, failed);
  const perMessage = [`Reporting-MTA: dns; ${input.reportingMta}`, `X-Mailroom-Queue-ID: ${input.queueId}`, `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`];
  const perRecipient = input.recipients.map((r) => {
    const lines = [`Final-Recipient: rfc822; ${oneLine(r.address)}`, `Action: ${r.action}`, `Status: ${r.status}`];
    if (r.remoteMta) lines.push(`Remote-MTA: dns; ${oneLine(r.remoteMta)}`);
    if (r.diagnostic) lines.push(`Diagnostic-Code: ${r.diagnosticType ?? 'smtp'}; ${oneLine(r.diagnostic)}`);
    if (r.lastAttemptAt) lines.push(`Last-Attempt-Date: ${rfc5322Date(r.lastAttemptAt)}`);
    if (r.willRetryUntil && r.action === 'delayed') lines.push(`Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}`);
    return lines.join(CRLF);
  });
  const status = [perMessage.join(CRLF), ...perRecipient].join(CRLF + CRLF) + CRLF;
  const eightBit = !/^[\p{ASCII}]*$/u.test(human);
  const parts = [
    header.join(CRLF),
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${input.boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}`,
    'Content-Description: Notification',
    '',
    human,
    `--${input.boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    status,
    `--${input.boundary}`,
    'Content-Type: text/rfc822-headers',
    'Content-Description: Undelivered message headers',
    '',
    normalizeHeaders(input.originalHeaders),
    `--${input.boundary}--`,
    '',
  ];
  return { envelope: { from: '', recipients: [input.originalSender] }, message: Buffer.from(parts.join(CRLF), 'utf8') };
}

function humanReadable(input: DsnInput, failed: boolean): string {
  const lines = failed
    ? [`This is the mail system at ${input.reportingMta}.`, '', 'Your message could not be delivered to one or more recipients.', 'It has been returned; no further attempts will be made for these:', '']
    : [`This is the mail system at ${input.reportingMta}.`, '', 'Your message has not yet been delivered to one or more recipients.', 'Delivery is still being attempted; you do not need to resend it.', ''];
  for (const r of input.recipients) {
    lines.push(`<${oneLine(r.address)}>: ${r.diagnostic ? oneLine(r.diagnostic) : `status ${r.status}`}`);
  }
  lines.push('');
  return lines.join('\r\n');
}

/** Header fields are one line each here; CR/LF inside a reply must not start a new field. */
function oneLine(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_FIELD_LENGTH ? flat.slice(0, MAX_FIELD_LENGTH) + '...' : flat;
}

/** The original header block with CRLF line ends, ending in exactly one CRLF. */
function normalizeHeaders(headers: Buffer): string {
  const text = headers.toString('utf8').replace(/\r?\n/g, '\r\n').replace(/(\r\n)+$/, '');
  return text + '\r\n';
}

/** RFC 5322 date-time in UTC: `Tue, 02 Jun 2025 10:30:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
