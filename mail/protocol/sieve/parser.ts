// The Sieve grammar (RFC 5228 section 8.2) over the lexer's tokens: commands, arguments, tests,
// test lists and blocks, with no knowledge of which commands exist. Nesting is bounded so a
// hostile script cannot overflow the stack. Pure.

import { SieveSyntaxError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import type { Argument, SyntaxCommand, SyntaxTest } from './syntax-tree.js';

const MAX_NESTING = 64;

export function parseSyntax(source: string): SyntaxCommand[] {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token => tokens[at]!;
  const next = (): Token => tokens[at++]!;
  const describe = (t: Token): string => (t.kind === 'eof' ? 'end of script' : t.kind === 'string' ? 'a string' : t.kind === 'number' ? 'a number' : t.kind === 'tag' ? `":${t.value}"` : `"${t.value}"`);
  const fail = (t: Token, message: string): never => { throw new SieveSyntaxError(t.pos, message); };
  const isPunct = (t: Token, p: string): boolean => t.kind === 'punct' && t.value === p;

  function commands(depth: number, inBlock: boolean): SyntaxCommand[] {
    if (depth > MAX_NESTING) fail(peek(), 'blocks nested too deeply');
    const out: SyntaxCommand[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'eof') {
        if (inBlock) fail(t, 'missing "}" at end of script');
        return out;
      }
      if (isPunct(t, '}')) {
        if (!inBlock) fail(t, 'unexpected "}"');
        return out;
      }
      out.push(command(depth));
    }
  }

  function command(depth: number): SyntaxCommand {
    const t = next();
    if (t.kind !== 'identifier') return fail(t, `expected a command, found ${describe(t)}`);
    const args = argumentsOf();
    const { tests, testList } = testsOf(depth);
    const end = next();
    if (isPunct(end, ';')) return { name: t.value, pos: t.pos, args, tests, testList, block: null };
    if (isPunct(end, '{')) {
      const block = commands(depth + 1, true);
      next(); // "}"
      return { name: t.value, pos: t.pos, args, tests, testList, block };
    }
    return fail(end, `expected ";" or "{" after command "${t.value}", found ${describe(end)}`);
  }

  function argumentsOf(): Argument[] {
    const args: Argument[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'tag') { next(); args.push({ kind: 'tag', name: t.value, pos: t.pos }); continue; }
      if (t.kind === 'number') { next(); args.push({ kind: 'number', value: t.value, pos: t.pos }); continue; }
      if (t.kind === 'string') { next(); args.push({ kind: 'strings', values: [t.value], bracketed: false, pos: t.pos }); continue; }
      if (isPunct(t, '[')) { args.push(stringList()); continue; }
      return args;
    }
  }

  function stringList(): Argument {
    const open = next();
    const values: string[] = [];
    for (;;) {
      const s = next();
      if (s.kind !== 'string') return fail(s, `expected a string in the list, found ${describe(s)}`);
      values.push(s.value);
      const sep = next();
      if (isPunct(sep, ']')) return { kind: 'strings', values, bracketed: true, pos: open.pos };
      if (!isPunct(sep, ',')) return fail(sep, `expected "," or "]" in a string list, found ${describe(sep)}`);
    }
  }

  function testsOf(depth: number): { tests: SyntaxTest[]; testList: boolean } {
    const t = peek();
    if (t.kind === 'identifier') return { tests: [test(depth + 1)], testList: false };
    if (isPunct(t, '(')) return { tests: testList(depth + 1), testList: true };
    return { tests: [], testList: false };
  }

  function testList(depth: number): SyntaxTest[] {
    next(); // "("
    const tests: SyntaxTest[] = [];
    for (;;) {
      tests.push(test(depth));
      const sep = next();
      if (isPunct(sep, ')')) return tests;
      if (!isPunct(sep, ',')) return fail(sep, `expected "," or ")" in a test list, found ${describe(sep)}`);
    }
  }

  function test(depth: number): SyntaxTest {
    if (depth > MAX_NESTING) fail(peek(), 'tests nested too deeply');
    const t = next();
    if (t.kind !== 'identifier') return fail(t, `expected a test, found ${describe(t)}`);
    const args = argumentsOf();
    const { tests, testList } = testsOf(depth);
    return { name: t.value, pos: t.pos, args, tests, testList };
  }

  return commands(0, false);
}
