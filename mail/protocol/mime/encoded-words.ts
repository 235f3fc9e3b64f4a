// RFC 2047 encoded-words (`=?charset?B|Q?text?=`) in unstructured header text, decoded for
// display and search. Adjacent encoded-words of the same charset are decoded together because
// senders split multi-byte characters across words; whitespace between encoded-words is dropped
// as RFC 2047 section 6.2 requires. Malformed words are left as they are.

import { decodeCharset } from './charset.js';

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) {
      out.push(0x20); // "_" is a space in Q encoding
    } else if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(c & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Decodes every encoded-word in `text`; the rest is kept verbatim. */
export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flush = (): void => {
    if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = null;
  };
  for (const m of text.matchAll(ENCODED_WORD)) {
    const gap = text.slice(last, m.index);
    // RFC 2231 section 5 allows a language after "*": "=?utf-8*vi?Q?...?=".
    const charset = m[1]!.split('*')[0]!.toLowerCase();
    const bytes = wordBytes(m[2]!, m[3]!);
    const adjacent = last > 0 && /^[ \t\r\n]*$/.test(gap) && pending !== null;
    if (adjacent && pending!.charset === charset) {
      pending!.bytes.push(bytes);
    } else {
      flush();
      if (!adjacent) out += gap;
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + text.slice(last);
}
