// Byte classes of the IMAP grammar (RFC 9051 section 9), as lookup tables.
//
// ATOM-CHAR is any CHAR except atom-specials: ( ) { SP CTL % * " \ ]. We also accept octets
// >= 0x80 in atoms: strict RFC 3501 forbids them, but some clients send raw UTF-8 mailbox names
// unquoted and refusing them helps nobody; mailbox decoding still validates the result.

function table(pred: (b: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = pred(b) ? 1 : 0;
  return t;
}

const ATOM_SPECIALS = new Set([0x28, 0x29, 0x7b, 0x20, 0x25, 0x2a, 0x22, 0x5c, 0x5d]);

export const ATOM_CHAR = table((b) => b > 0x1f && b !== 0x7f && !ATOM_SPECIALS.has(b));
/** ASTRING-CHAR = ATOM-CHAR / resp-specials ("]"). */
export const ASTRING_CHAR = table((b) => ATOM_CHAR[b] === 1 || b === 0x5d);
/** list-char = ATOM-CHAR / list-wildcards / resp-specials. */
export const LIST_CHAR = table((b) => ASTRING_CHAR[b] === 1 || b === 0x25 || b === 0x2a);
/** tag = 1*<any ASTRING-CHAR except "+">. */
export const TAG_CHAR = table((b) => ASTRING_CHAR[b] === 1 && b !== 0x2b && b < 0x80);
/** Characters that may appear in a quoted string as they are (everything else but CR, LF, NUL). */
export const QUOTED_SAFE = table((b) => b !== 0x00 && b !== 0x0a && b !== 0x0d);
