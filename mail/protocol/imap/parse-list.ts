// LIST in both forms: basic (RFC 9051 6.3.9) and LIST-EXTENDED (RFC 5258) with selection options,
// several patterns and RETURN options incl. STATUS (LIST-STATUS, RFC 5819) and SPECIAL-USE
// (RFC 6154); and the IMAP4rev1 LSUB.

import { mailboxFromBytes, readMailbox, readParenList } from './parse-common.js';
import { readStatusItems } from './parse-status.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf, ListReturnOptions, ParseContext } from './command-types.js';

const SELECTION_OPTIONS = new Set(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE']);

function readPattern(cur: CommandCursor, ctx: ParseContext): string {
  return mailboxFromBytes(cur, cur.listMailbox(), ctx);
}

export function parseList(cur: CommandCursor, ctx: ParseContext): CommandOf<'LIST'> {
  cur.sp();
  let extended = false;
  let selectionOptions: string[] = [];
  if (cur.peek() === 0x28) {
    extended = true;
    selectionOptions = readParenList(cur, () => {
      const opt = cur.keyword('a LIST selection option');
      if (!SELECTION_OPTIONS.has(opt)) cur.fail(`Unknown LIST selection option ${opt}`);
      return opt;
    });
    selectionOptions = [...new Set(selectionOptions)];
    // RFC 5258 3.1: RECURSIVEMATCH only refines another selection option.
    if (selectionOptions.includes('RECURSIVEMATCH') && selectionOptions.length === 1) {
      cur.fail('RECURSIVEMATCH needs another selection option');
    }
    cur.sp();
  }
  const reference = readMailbox(cur, ctx);
  cur.sp();
  let patterns: string[];
  if (cur.peek() === 0x28) {
    extended = true;
    patterns = readParenList(cur, () => readPattern(cur, ctx), false);
  } else {
    patterns = [readPattern(cur, ctx)];
  }
  const returnOptions: ListReturnOptions = { subscribed: false, children: false, specialUse: false };
  if (cur.maybeSp()) {
    extended = true;
    if (cur.keyword('RETURN') !== 'RETURN') cur.fail('Expected RETURN');
    cur.sp();
    readParenList(cur, () => {
      const opt = cur.keyword('a LIST return option');
      if (opt === 'SUBSCRIBED') returnOptions.subscribed = true;
      else if (opt === 'CHILDREN') returnOptions.children = true;
      else if (opt === 'SPECIAL-USE') returnOptions.specialUse = true;
      else if (opt === 'STATUS') {
        cur.sp();
        returnOptions.status = readStatusItems(cur);
      } else cur.fail(`Unknown LIST return option ${opt}`);
    });
  }
  cur.expectEnd();
  return { tag: cur.tag, name: 'LIST', reference, patterns, selectionOptions, returnOptions, extended };
}

export function parseLsub(cur: CommandCursor, ctx: ParseContext): CommandOf<'LSUB'> {
  cur.sp();
  const reference = readMailbox(cur, ctx);
  cur.sp();
  const pattern = readPattern(cur, ctx);
  cur.expectEnd();
  return { tag: cur.tag, name: 'LSUB', reference, pattern };
}
