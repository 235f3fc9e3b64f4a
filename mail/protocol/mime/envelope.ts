// The IMAP ENVELOPE of a message (RFC 9051 section 7.5.2) from its header fields, and the decoded
// strings shown in listings. ENVELOPE values are raw (unfolded, encoded-words kept); Sender and
// Reply-To default to From when absent or empty, as the RFC requires of the server.

import { parseAddressList } from './address-list.js';
import { decodeEncodedWords } from './encoded-words.js';
import { headerValue } from './header-block.js';
import type { Envelope, EnvelopeAddress, HeaderField } from './types.js';

export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const list = (name: string): EnvelopeAddress[] | null => parseAddressList(headerValue(fields, name));
  const from = list('from');
  return {
    date: headerValue(fields, 'date'),
    subject: headerValue(fields, 'subject'),
    from,
    sender: list('sender') ?? from,
    replyTo: list('reply-to') ?? from,
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    inReplyTo: headerValue(fields, 'in-reply-to'),
    messageId: headerValue(fields, 'message-id'),
  };
}

/** Unstructured header text for people: encoded-words decoded, whitespace collapsed. */
export function displayText(raw: string | null): string | null {
  if (raw === null) return null;
  return decodeEncodedWords(raw).replace(/\s+/g, ' ').trim();
}

/** "Name <local@host>, ..." with names decoded; groups flattened to their members. */
export function displayAddresses(list: EnvelopeAddress[] | null): string | null {
  if (!list) return null;
  const shown: string[] = [];
  for (const a of list) {
    if (a.host === null) continue; // group markers
    const addr = `${a.mailbox}@${a.host}`;
    shown.push(a.name ? `${displayText(a.name)} <${addr}>` : addr);
  }
  return shown.length ? shown.join(', ') : null;
}

/** The Date header as a Date, ignoring comments like "(PST)"; null when unparseable. */
export function parseDateHeader(raw: string | null): Date | null {
  if (raw === null) return null;
  const cleaned = raw.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const ms = Date.parse(cleaned);
  return Number.isNaN(ms) ? null : new Date(ms);
}
