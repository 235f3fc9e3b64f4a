// Message flags as sent in STORE, APPEND and SEARCH KEYWORD (RFC 9051 2.3.2): system flags
// (`\Seen`) are case-insensitive, so they are returned in their canonical spelling; keywords
// (`$Forwarded`, `NonJunk`) and unknown `\Extension` flags keep the client's spelling.

import type { CommandCursor } from './command-cursor.js';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'];
const CANONICAL = new Map(SYSTEM_FLAGS.map((f) => [f.toUpperCase(), f]));

export function canonicalFlag(flag: string): string {
  return CANONICAL.get(flag.toUpperCase()) ?? flag;
}

/** flag = "\" atom / atom (keyword). */
export function readFlag(cur: CommandCursor): string {
  if (cur.accept('\\')) return canonicalFlag('\\' + cur.atom('a flag'));
  return cur.atom('a flag');
}

/** flag-list = "(" [flag *(SP flag)] ")". */
export function readFlagList(cur: CommandCursor): string[] {
  cur.expect('(');
  const flags: string[] = [];
  if (!cur.accept(')')) {
    do flags.push(readFlag(cur));
    while (cur.maybeSp());
    cur.expect(')');
  }
  return flags;
}

/** STORE accepts a flag-list or bare space-separated flags (RFC 9051 store-att-flags). */
export function readStoreFlags(cur: CommandCursor): string[] {
  if (cur.peek() === 0x28) return readFlagList(cur);
  const flags: string[] = [];
  do flags.push(readFlag(cur));
  while (cur.maybeSp());
  return flags;
}
