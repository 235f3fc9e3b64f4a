// The flag-related untagged responses a selected mailbox sends: the FLAGS list, PERMANENTFLAGS,
// and the `* n FETCH (UID u FLAGS (...) MODSEQ (m))` that tells a client a message's flags.

import type { MessageFlags } from '../../../store/contracts.js';
import { ImapCommandError } from '../errors.js';

/** The system flags a client may set (\Recent is the server's, and IMAP4rev2 dropped it). */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

const SYSTEM_UPPER = new Set<string>(SYSTEM_FLAGS.map((f) => f.toUpperCase()));

export function isKeyword(flag: string): boolean {
  return !flag.startsWith('\\');
}

export function isSystemFlag(flag: string): boolean {
  return SYSTEM_UPPER.has(flag.toUpperCase());
}

/** `(\Seen $Label)`. */
export function flagList(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

/** `* FLAGS (...)`: the system flags and the keywords in use. */
export function flagsLine(keywords: Iterable<string>): string {
  return `* FLAGS ${flagList([...SYSTEM_FLAGS, ...keywords])}\r\n`;
}

/** `* OK [PERMANENTFLAGS (...)]`: what STORE can set; `\*` says new keywords are welcome. */
export function permanentFlagsLine(keywords: Iterable<string>, readOnly: boolean): string {
  if (readOnly) return '* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n';
  return `* OK [PERMANENTFLAGS ${flagList([...SYSTEM_FLAGS, ...keywords, '\\*'])}] Flags permitted\r\n`;
}

export interface FlagFetchOptions {
  uid: boolean;
  modseq: boolean;
}

/** `* seq FETCH (UID u FLAGS (...) MODSEQ (m))`, UID and MODSEQ as asked. */
export function flagFetchLine(seq: number, message: MessageFlags, options: FlagFetchOptions): string {
  let items = options.uid ? `UID ${message.uid} ` : '';
  items += `FLAGS ${flagList(message.flags)}`;
  if (options.modseq) items += ` MODSEQ (${message.modseq})`;
  return `* ${seq} FETCH (${items})\r\n`;
}

/** Same flags regardless of order and of the case of keywords. */
export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toUpperCase()));
  return b.every((f) => set.has(f.toUpperCase()));
}

/** STORE and APPEND: keywords and the five system flags; \Recent and unknown `\X` are BAD. */
export function checkStorableFlags(flags: readonly string[]): void {
  for (const flag of flags) {
    if (isKeyword(flag) || isSystemFlag(flag)) continue;
    throw new ImapCommandError('imap_flag_not_storable', `Flag ${flag.slice(0, 40)} cannot be set`, { status: 'BAD' });
  }
}
