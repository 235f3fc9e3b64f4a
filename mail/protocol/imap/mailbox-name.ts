// Mailbox names on the wire. IMAP4rev1 clients send and expect modified UTF-7 (RFC 3501 5.1.3:
// `Thư đã gửi` is `Th&AbA- &AREA4w- g&Hu0-i`); IMAP4rev2 and UTF8=ACCEPT clients use UTF-8
// (RFC 9051 5.1, RFC 6855). The store keeps Unicode names, so the session decodes every name it
// reads and encodes every name it writes according to what the client enabled.
//
// Decoding is strict: a name that is not the one canonical encoding of some Unicode string
// (raw non-ASCII, bad base64, encoded printable ASCII, a broken surrogate pair) is refused, since
// two spellings of one folder would let a client create look-alike duplicates.

import { ImapErrorCode, ImapParseError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function invalid(reason: string): ImapParseError {
  return new ImapParseError(ImapErrorCode.mailboxNameInvalid, `Invalid mailbox name: ${reason}`);
}

const isPrintable = (c: number) => c >= 0x20 && c <= 0x7e;

/** Unicode to modified UTF-7. */
export function encodeModifiedUtf7(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes: number[] = [];
    for (const unit of pending) bytes.push(unit >> 8, unit & 0xff);
    let bits = 0;
    let acc = 0;
    out += '&';
    for (const b of bytes) {
      acc = (acc << 8) | b;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += B64[(acc >> bits) & 0x3f];
      }
    }
    if (bits > 0) out += B64[(acc << (6 - bits)) & 0x3f];
    out += '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (isPrintable(unit)) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/** Modified UTF-7 to Unicode; throws ImapParseError (tag null) when not canonical mUTF-7. */
export function decodeModifiedUtf7(text: string): string {
  let out = '';
  let i = 0;
  let previousWasEncoded = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isPrintable(c)) throw invalid('8-bit or control character in a modified UTF-7 name');
    if (c !== 0x26) {
      out += text[i];
      i++;
      previousWasEncoded = false;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end === -1) throw invalid('unterminated "&" sequence');
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      previousWasEncoded = false;
      continue;
    }
    if (previousWasEncoded) throw invalid('adjacent encoded sequences');
    out += decodeBase64Run(text.slice(i + 1, end));
    i = end + 1;
    previousWasEncoded = true;
  }
  return out;
}

function decodeBase64Run(run: string): string {
  let acc = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (let k = 0; k < run.length; k++) {
    const code = run.charCodeAt(k);
    const v = code < 128 ? B64_VALUE[code]! : -1;
    if (v < 0) throw invalid('bad character in an encoded sequence');
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0 || bytes.length % 2 !== 0) throw invalid('bad padding in an encoded sequence');
  let out = '';
  for (let k = 0; k < bytes.length; k += 2) {
    const unit = (bytes[k]! << 8) | bytes[k + 1]!;
    if (isPrintable(unit)) throw invalid('printable ASCII must not be encoded');
    out += String.fromCharCode(unit);
  }
  if (!wellFormedUtf16(out)) throw invalid('broken surrogate pair');
  return out;
}

function wellFormedUtf16(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const u = s.charCodeAt(k);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = s.charCodeAt(k + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      k++;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * A mailbox name as sent (astring octets) to Unicode: UTF-8 when the client enabled it
 * (IMAP4rev2, UTF8=ACCEPT), modified UTF-7 otherwise. Throws ImapParseError (tag null).
 */
export function decodeMailboxName(raw: Buffer, utf8Enabled: boolean): string {
  let text: string;
  try {
    text = utf8Decoder.decode(raw);
  } catch {
    throw invalid('not UTF-8');
  }
  if (utf8Enabled) {
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c < 0x20 || c === 0x7f) throw invalid('control character');
    }
    return text;
  }
  return decodeModifiedUtf7(text);
}

/** A Unicode mailbox name as the client expects it on the wire (then quote it with the writer). */
export function encodeMailboxName(name: string, utf8Enabled: boolean): string {
  return utf8Enabled ? name : encodeModifiedUtf7(name);
}

/** RFC 9051 5.1: INBOX is case-insensitive; every spelling means the one INBOX. */
export function normaliseInbox(name: string): string {
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}
