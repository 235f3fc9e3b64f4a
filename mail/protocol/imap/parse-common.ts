// Arguments shared by many commands: mailbox names (decoded per the session's UTF-8 state),
// astrings as text, and parenthesised lists of keywords.

import { ImapErrorCode, ImapParseError } from './errors.js';
import { decodeMailboxName, normaliseInbox } from './mailbox-name.js';
import type { CommandCursor } from './command-cursor.js';
import type { ParseContext } from './command-types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Octets to text: UTF-8 (IMAP4rev2 strings are UTF-8; ASCII is a subset). */
export function bytesToText(cur: CommandCursor, bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return cur.fail(`${what} is not valid UTF-8`);
  }
}

export function readAstringText(cur: CommandCursor, what = 'a string'): string {
  return bytesToText(cur, cur.astring(what), what);
}

export function readStringText(cur: CommandCursor, what = 'a string'): string {
  return bytesToText(cur, cur.string(what), what);
}

/** Decodes mailbox octets, re-tagging a decoding error with the command's tag. */
export function mailboxFromBytes(cur: CommandCursor, bytes: Buffer, ctx: ParseContext): string {
  try {
    return normaliseInbox(decodeMailboxName(bytes, ctx.utf8Enabled));
  } catch (err) {
    if (err instanceof ImapParseError) throw err.withTag(cur.tag);
    throw err;
  }
}

/** mailbox = "INBOX" / astring. */
export function readMailbox(cur: CommandCursor, ctx: ParseContext): string {
  return mailboxFromBytes(cur, cur.astring('a mailbox name'), ctx);
}

/** "(" keyword *(SP keyword) ")" with each keyword read by `item`; `()` allowed when `allowEmpty`. */
export function readParenList<T>(cur: CommandCursor, item: () => T, allowEmpty = true): T[] {
  cur.expect('(');
  const out: T[] = [];
  if (cur.accept(')')) {
    if (!allowEmpty) cur.fail('Empty list');
    return out;
  }
  do out.push(item());
  while (cur.maybeSp());
  cur.expect(')');
  return out;
}

export function unknownArgument(cur: CommandCursor, what: string, value: string): never {
  return cur.fail(`Unknown ${what} "${value}"`, ImapErrorCode.syntax);
}
