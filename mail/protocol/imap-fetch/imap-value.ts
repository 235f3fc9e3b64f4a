// IMAP data items as a small value tree, and the one serialiser that turns them into bytes.
// FETCH's ENVELOPE and BODYSTRUCTURE are built as values first, so the code that decides *what*
// to answer never has to know how strings are quoted, and the response writer can share this.
//
//   null          -> NIL
//   number        -> a decimal number
//   string        -> a quoted string, or a literal when quoting cannot carry it
//   { literal }   -> always a literal (bytes sent as they are)
//   ImapValue[]   -> a parenthesised list, members separated by one space
//   { adjacent }  -> members written back to back with no separator and no parentheses: the
//                    grammar has `1*address` (ENVELOPE address lists) and `1*body` (multipart
//                    BODYSTRUCTURE), which Dovecot, Cyrus and every client write without spaces.

export type ImapValue = null | number | string | { literal: Buffer } | { adjacent: ImapValue[] } | ImapValue[];

export interface ImapSerializeOptions {
  /**
   * UTF8=ACCEPT is enabled (RFC 6855), or the session speaks IMAP4rev2 (RFC 9051 lets quoted
   * strings hold UTF-8). Without it, 8-bit text may only travel in a literal.
   */
  utf8: boolean;
}

/**
 * Each '"' or '\\' costs a byte in a quoted string; past this many a literal is no longer than the
 * quoted form and far easier on clients. Dovecot switches at the same point, which keeps our
 * answers byte-comparable with it.
 */
export const MAX_QUOTED_SPECIALS = 4;

const NIL = Buffer.from('NIL');
const SPACE = Buffer.from(' ');
const OPEN = Buffer.from('(');
const CLOSE = Buffer.from(')');

/** Why a string cannot be a quoted string: CR/LF/NUL never can; 8-bit only with UTF-8 on. */
function needsLiteral(bytes: Buffer, utf8: boolean): boolean {
  let specials = 0;
  for (const b of bytes) {
    if (b === 0x0d || b === 0x0a || b === 0x00) return true;
    if (b >= 0x80 && !utf8) return true;
    if ((b === 0x22 || b === 0x5c) && ++specials > MAX_QUOTED_SPECIALS) return true;
  }
  return false;
}

function quoted(bytes: Buffer): Buffer {
  // Only '"' and '\' need escaping inside a quoted string (quoted-specials).
  let extra = 0;
  for (const b of bytes) if (b === 0x22 || b === 0x5c) extra++;
  const out = Buffer.allocUnsafe(bytes.length + extra + 2);
  let n = 0;
  out[n++] = 0x22;
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out[n++] = 0x5c;
    out[n++] = b;
  }
  out[n++] = 0x22;
  return out;
}

function literal(bytes: Buffer): Buffer[] {
  return [Buffer.from(`{${bytes.length}}\r\n`), bytes];
}

/** The bytes of a string value: NUL cannot be sent in any IMAP4rev1 string, so it is dropped. */
export function stringBytes(text: string): Buffer {
  return Buffer.from(text.includes('\0') ? text.replace(/\0/g, '') : text, 'utf8');
}

function write(value: ImapValue, options: ImapSerializeOptions, out: Buffer[]): void {
  if (value === null) { out.push(NIL); return; }
  if (typeof value === 'number') { out.push(Buffer.from(String(value))); return; }
  if (typeof value === 'string') {
    const bytes = stringBytes(value);
    if (needsLiteral(bytes, options.utf8)) out.push(...literal(bytes));
    else out.push(quoted(bytes));
    return;
  }
  if (Array.isArray(value)) {
    out.push(OPEN);
    value.forEach((member, i) => {
      if (i > 0) out.push(SPACE);
      write(member, options, out);
    });
    out.push(CLOSE);
    return;
  }
  if ('literal' in value) { out.push(...literal(value.literal)); return; }
  for (const member of value.adjacent) write(member, options, out);
}

/** The value as chunks, ready to be written to the connection in order. */
export function serializeImapValue(value: ImapValue, options: ImapSerializeOptions): Buffer[] {
  const out: Buffer[] = [];
  write(value, options, out);
  return out;
}

/** The value as one buffer (tests, and small values such as ENVELOPE). */
export function imapValueToBuffer(value: ImapValue, options: ImapSerializeOptions): Buffer {
  return Buffer.concat(serializeImapValue(value, options));
}
