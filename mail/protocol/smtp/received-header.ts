// The trace fields a receiving SMTP server prepends (RFC 5321 4.4): Return-Path and Received.
// Pure: the date and every name are handed in.
//
//   Received: from helo.example (mail.example [192.0.2.1])
//           (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)
//           by mx.example.test (Mailroom) with ESMTPS id 8F3K2A
//           for <user@example.test>; Tue, 02 Jan 2024 10:00:00 +0000
//
// Values that came from the client (HELO name, addresses) are reduced to characters that cannot
// end the field, open a comment or fake a clause.

export interface ReceivedInput {
  /** The HELO/EHLO argument, or null when the client sent none. */
  helo: string | null;
  /** Reverse-DNS name of the client, or null when unknown. */
  clientHostname: string | null;
  remoteAddress: string;
  /** Our host name. */
  hostname: string;
  /** `SMTP`, `ESMTP`, `ESMTPS`, `ESMTPA`, `ESMTPSA` (RFC 3848). */
  protocol: string;
  tls: { version: string; cipher: string } | null;
  queueId: string;
  /** Named only when the message has exactly one recipient (more would disclose Bcc). */
  recipient: string | null;
  date: Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC: `Tue, 02 Jan 2024 10:00:00 +0000`. */
export function formatDateTime(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** A domain or address literal as it may appear in a trace field; anything else becomes `?`. */
function safeName(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9.\-_:[\]]/g, '?').slice(0, 255);
  return cleaned || 'unknown';
}

const ADDR_SPEC = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\u0080-\uFFFF-]+@[A-Za-z0-9.\-[\]:\u0080-\uFFFF]+$/;

/** The Received field, folded, ending in CRLF. */
export function buildReceivedHeader(input: ReceivedInput): string {
  const ip = input.remoteAddress.replace(/^::ffff:/i, '');
  const literal = ip.includes(':') ? `[IPv6:${safeName(ip)}]` : `[${safeName(ip)}]`;
  const helo = input.helo ? safeName(input.helo) : literal;
  const rdns = input.clientHostname ? safeName(input.clientHostname) : 'unknown';
  const lines = [`Received: from ${helo} (${rdns} ${literal})`];
  if (input.tls) {
    lines.push(`(using ${safeName(input.tls.version)} with cipher ${safeName(input.tls.cipher)})`);
  }
  const protocol = /^[A-Z]{1,12}$/.test(input.protocol) ? input.protocol : 'SMTP';
  lines.push(`by ${safeName(input.hostname)} (Mailroom) with ${protocol} id ${safeName(input.queueId)}`);
  const recipient = input.recipient && ADDR_SPEC.test(input.recipient) ? input.recipient : null;
  const stamp = formatDateTime(input.date);
  if (recipient) lines.push(`for <${recipient}>; ${stamp}`);
  else lines[lines.length - 1] += `; ${stamp}`;
  return lines.join('\r\n\t') + '\r\n';
}

/** `Return-Path: <sender>` (`<>` for the null sender), ending in CRLF. */
export function buildReturnPath(sender: string): string {
  const safe = sender.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.@\-[\]:\u0080-\uFFFF]/g, '?').slice(0, 512);
  return `Return-Path: <${safe}>\r\n`;
}
