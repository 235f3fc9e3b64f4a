// The vacation response as an RFC 5322 message (RFC 5230 section 5, RFC 3834 section 3): sent to
// the envelope sender, marked Auto-Submitted: auto-replied so that other responders stay quiet,
// threaded with In-Reply-To and References, with the script's subject (default "Auto: " and the
// original subject) and reason (a plain text body, or a whole MIME entity with :mime). Pure: the
// date and the Message-ID are handed in.

import { decodeEncodedWords } from '../mime/encoded-words.js';
import type { SieveMessageView } from './message-view.js';
import type { VacationParams } from './script.js';

export interface VacationReplyInput {
  params: VacationParams;
  message: SieveMessageView;
  /** The account's address: the From when the script gave none. */
  user: string;
  to: string;
  date: Date;
  messageId: string;
}

export function buildVacationReply(input: VacationReplyInput): string {
  const { params, message } = input;
  const header = (name: string) => message.headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
  const original = header('subject');
  const subject = params.subject ?? `Auto: ${original !== null ? decodeEncodedWords(original) : ''}`.trimEnd();
  const inReplyTo = header('message-id');
  const references = [header('references'), inReplyTo].filter((v): v is string => !!v).join(' ');
  const lines = [
    `From: ${params.from ?? `<${input.user}>`}`,
    `To: <${input.to}>`,
    `Subject: ${encodeSubject(subject)}`,
    `Date: ${input.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${input.messageId}>`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    ...(references ? [`References: ${references}`] : []),
    'Auto-Submitted: auto-replied (vacation)',
    'Precedence: bulk',
    'MIME-Version: 1.0',
  ];
  const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
  if (params.mime) {
    // The reason is a MIME entity: its own header fields, a blank line, its body.
    return lines.join('\r\n') + '\r\n' + ensureEnd(crlf(params.reason));
  }
  lines.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
  return lines.join('\r\n') + '\r\n\r\n' + ensureEnd(crlf(params.reason));
}

function ensureEnd(s: string): string {
  return s.endsWith('\r\n') ? s : s + '\r\n';
}

/** Non-ASCII subjects as one RFC 2047 encoded-word per chunk; ASCII stays readable. */
function encodeSubject(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch) > 45) { words.push(chunk); chunk = ''; }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}
