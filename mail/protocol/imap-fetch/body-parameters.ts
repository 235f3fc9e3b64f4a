// body-fld-param (RFC 9051 section 9): a MIME part's parameters as IMAP sends them, from the
// decoded values the indexer stored.
//
// The index keeps parameter values decoded to Unicode (RFC 2231 sections joined, charsets
// applied). IMAP4rev1 strings cannot carry 8-bit text outside a literal and clients look up
// "name"/"filename" in BODYSTRUCTURE, so a non-ASCII value goes back out in RFC 2231 form
// (`name*` = `utf-8''%E1%BA%A2nh`), which is what Dovecot sends for such parameters and what
// Thunderbird, Apple Mail and Outlook decode. When the session allows UTF-8 (UTF8=ACCEPT or
// IMAP4rev2) the value goes out as plain UTF-8 under its own name.

import type { ImapValue } from './imap-value.js';

export interface ParameterOptions {
  utf8: boolean;
}

// RFC 2231 attribute-char: any CHAR except SPACE, CTLs, "*", "'", "%" and tspecials.
const ATTRIBUTE_CHAR = /^[!#$&+\-.^_`|~0-9A-Za-z{}]$/;

/** RFC 2231 extended value: utf-8, no language, every byte outside attribute-char as %XX. */
export function rfc2231Value(value: string): string {
  let out = "utf-8''";
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && ATTRIBUTE_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}

/** The name/value pairs as one flat list, or NIL when there are none (the grammar has no "()"). */
export function parameterListValue(params: Record<string, string>, options: ParameterOptions): ImapValue {
  const list: ImapValue[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (isAscii(value) || options.utf8) list.push(name, value);
    else list.push(`${name}*`, rfc2231Value(value));
  }
  return list.length > 0 ? list : null;
}
