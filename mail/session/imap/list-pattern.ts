// LIST and LSUB patterns (RFC 9051 section 6.3.9): `*` matches any characters, `%` any but the
// hierarchy separator. Matching runs the pattern as a small automaton over the name, so a
// hostile pattern like `*a*a*a*a*b` costs name length x pattern length, never the exponential
// time a backtracking regular expression can take.

import { HIERARCHY_SEPARATOR } from './folder-names.js';

const STAR = -1;
const PERCENT = -2;
const SEPARATOR = HIERARCHY_SEPARATOR.charCodeAt(0);

export class ListPattern {
  /** Code units, with STAR and PERCENT for the wildcards (runs of wildcards collapsed). */
  private readonly tokens: number[];
  readonly hasWildcards: boolean;
  private readonly literal: string;

  constructor(pattern: string) {
    this.literal = inboxCase(pattern);
    const tokens: number[] = [];
    for (let i = 0; i < this.literal.length; i++) {
      const c = this.literal.charCodeAt(i);
      const token = c === 0x2a ? STAR : c === 0x25 ? PERCENT : c;
      const last = tokens[tokens.length - 1];
      if (token < 0 && last !== undefined && last < 0) {
        // `*%`, `%*` and `**` all mean `*`; `%%` means `%`.
        tokens[tokens.length - 1] = token === STAR || last === STAR ? STAR : PERCENT;
        continue;
      }
      tokens.push(token);
    }
    this.tokens = tokens;
    this.hasWildcards = tokens.some((t) => t < 0);
  }

  /** Pattern characters the matcher walks for each name; callers bound it. */
  get cost(): number {
    return this.hasWildcards ? this.tokens.length : 0;
  }

  /** Ends in `%`: LSUB then also reports the matching parents of subscribed folders. */
  get endsWithPercent(): boolean {
    return this.tokens[this.tokens.length - 1] === PERCENT;
  }

  matches(name: string): boolean {
    if (!this.hasWildcards) return name === this.literal;
    const tokens = this.tokens;
    const m = tokens.length;
    // reachable[j]: the first j tokens can match the characters read so far.
    let reachable = new Uint8Array(m + 1);
    let next = new Uint8Array(m + 1);
    reachable[0] = 1;
    closeOverWildcards(tokens, reachable);
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      next.fill(0);
      let any = false;
      for (let j = 0; j < m; j++) {
        if (!reachable[j]) continue;
        const t = tokens[j]!;
        if (t === STAR || (t === PERCENT && c !== SEPARATOR)) { next[j] = 1; any = true; }
        else if (t === c) { next[j + 1] = 1; any = true; }
      }
      if (!any) return false;
      closeOverWildcards(tokens, next);
      [reachable, next] = [next, reachable];
    }
    return reachable[m] === 1;
  }
}

/** A wildcard may match nothing: whoever reaches it also reaches what follows. */
function closeOverWildcards(tokens: number[], reachable: Uint8Array): void {
  for (let j = 0; j < tokens.length; j++) {
    if (reachable[j] && tokens[j]! < 0) reachable[j + 1] = 1;
  }
}

/**
 * INBOX is case-insensitive (RFC 9051 section 5.1), also as the first level of a pattern:
 * `inbox/%` lists INBOX's children. Only a whole first level is recognised (`inb*` is not INBOX).
 */
function inboxCase(pattern: string): string {
  if (pattern.length < 5 || pattern.slice(0, 5).toUpperCase() !== 'INBOX') return pattern;
  const after = pattern[5];
  if (after !== undefined && after !== HIERARCHY_SEPARATOR && after !== '*' && after !== '%') return pattern;
  return 'INBOX' + pattern.slice(5);
}
