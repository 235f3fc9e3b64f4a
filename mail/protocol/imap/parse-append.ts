// The head of an APPEND (RFC 9051 6.3.12): mailbox, optional flags and internal date, and the
// announcement of the message literal. The reader streams the message itself (appendLiteral*
// events), so the parser only ever sees the head (appendLiteralStart's `head`).

import { readDateTime } from './imap-date.js';
import { readFlagList } from './flags.js';
import { readMailbox } from './parse-common.js';
import { CommandCursor } from './command-cursor.js';
import type { CommandOf, ParseContext } from './command-types.js';
import type { RawCommand } from './reader-events.js';

export function parseAppendHead(raw: RawCommand, ctx: ParseContext): CommandOf<'APPEND'> {
  const cur = new CommandCursor(raw);
  cur.skipWords(2);
  return parseAppendArguments(cur, ctx);
}

export function parseAppendArguments(cur: CommandCursor, ctx: ParseContext): CommandOf<'APPEND'> {
  cur.sp();
  const mailbox = readMailbox(cur, ctx);
  cur.sp();
  let flags: string[] = [];
  let internalDate: Date | undefined;
  if (cur.peek() === 0x28) {
    flags = readFlagList(cur);
    cur.sp();
  }
  if (cur.peek() === 0x22) {
    internalDate = readDateTime(cur);
    cur.sp();
  }
  if (!cur.atLiteral()) cur.fail('Expected the message literal');
  const message = cur.trailingLiteral();
  return { tag: cur.tag, name: 'APPEND', mailbox, flags, ...(internalDate ? { internalDate } : {}), message };
}
