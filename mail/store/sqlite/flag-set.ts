// Flags as the store keeps them. System flags have one canonical spelling (\Seen, never \SEEN),
// so the `seen` column, searches and FLAGS responses agree; keywords compare case-insensitively
// (RFC 9051 section 2.3.2) and keep the spelling they were first set with on that message.
// \Recent is session state, never stored: it is dropped wherever it is given.

import { InputError } from '../../../core/errors.js';
import { FolderErrorCode } from '../contracts.js';
import type { FlagOperation } from '../contracts.js';

export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

const SYSTEM_BY_LOWER = new Map<string, string>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));
const RECENT = '\\recent';
/** flag-keyword = atom (RFC 9051): printable ASCII without atom-specials; a leading "\" only on system flags. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const KEYWORD = /^[^\\\x00-\x20\x7f-\uffff(){%*"\]]+$/;

/** ASCII lower case: keywords are ASCII atoms, and SQLite's lower() folds only ASCII too. */
export function flagKey(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The stored spelling of a flag, null for \Recent (dropped), or an InputError for a malformed one. */
export function canonicalFlag(flag: string): string | null {
  if (flag.startsWith('\\')) {
    const key = flagKey(flag);
    if (key === RECENT) return null;
    const system = SYSTEM_BY_LOWER.get(key);
    if (!system) throw new InputError(FolderErrorCode.invalidFlag, `unknown system flag ${JSON.stringify(flag)}`);
    return system;
  }
  if (!KEYWORD.test(flag)) throw new InputError(FolderErrorCode.invalidFlag, `invalid flag keyword ${JSON.stringify(flag)}`);
  return flag;
}

/** Whether a flag can be on a message at all (a search for any other is never true). */
export function isStorableFlag(flag: string): boolean {
  try {
    return canonicalFlag(flag) !== null;
  } catch {
    return false;
  }
}

/** Canonical flags without duplicates (case-insensitively), in the order given; throws on a malformed one. */
export function canonicalFlags(flags: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const f of flags) {
    const c = canonicalFlag(f);
    if (c !== null && !out.has(flagKey(c))) out.set(flagKey(c), c);
  }
  return [...out.values()];
}

/**
 * For delivery: what Sieve or APPEND asked for, canonical, with malformed flags left out rather
 * than failing a message the sender was already told is accepted.
 */
export function deliverableFlags(flags: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const f of flags) {
    try {
      const c = canonicalFlag(f.trim());
      if (c !== null && !out.has(flagKey(c))) out.set(flagKey(c), c);
    } catch {
      // dropped: see above
    }
  }
  return [...out.values()];
}

/** Case-insensitive: rows written before flags were canonical may hold "\\seen". */
export function hasSeen(flags: readonly string[]): boolean {
  return flags.some((f) => flagKey(f) === '\\seen');
}

/**
 * The flags after a STORE, or null when they would not change (compared case-insensitively, so
 * "+FLAGS ($label1)" on a message with "$Label1" changes nothing). `requested` is canonical.
 */
export function applyFlagOperation(current: readonly string[], operation: FlagOperation, requested: readonly string[]): string[] | null {
  const currentKeys = new Map(current.map((f) => [flagKey(f), f]));
  const requestedKeys = new Set(requested.map(flagKey));
  let next: string[];
  switch (operation) {
    case 'add':
      next = [...current, ...requested.filter((f) => !currentKeys.has(flagKey(f)))];
      break;
    case 'remove':
      next = current.filter((f) => !requestedKeys.has(flagKey(f)));
      break;
    case 'replace':
      next = requested.map((f) => currentKeys.get(flagKey(f)) ?? f);
      break;
  }
  if (next.length !== current.length) return next;
  return next.every((f) => currentKeys.has(flagKey(f))) ? null : next;
}
