// The generic syntax of a Sieve script (RFC 5228 section 8.2) before any command is known:
// commands with arguments, tests and blocks. validate.ts turns it into the typed script.

import type { Position } from './errors.js';

export type Argument =
  | { kind: 'tag'; name: string; pos: Position }
  | { kind: 'number'; value: number; pos: Position }
  /** A single string is a list of one; `bracketed` tells `"a"` from `["a"]` where it matters. */
  | { kind: 'strings'; values: string[]; bracketed: boolean; pos: Position };

export interface SyntaxTest {
  name: string;
  pos: Position;
  args: Argument[];
  tests: SyntaxTest[];
  /** The tests came in a parenthesised test-list (allof, anyof). */
  testList: boolean;
}

export interface SyntaxCommand {
  name: string;
  pos: Position;
  args: Argument[];
  tests: SyntaxTest[];
  testList: boolean;
  /** null: ended by ";". */
  block: SyntaxCommand[] | null;
}
