// The Sieve lexer (RFC 5228 section 8.1): identifiers, tags, numbers with K/M/G quantifiers,
// quoted and multi-line strings, and the punctuation of the grammar. Comments (hash and
// bracketed) are skipped. Every token carries the line and column where it starts. Pure.

import { SieveSyntaxError, type Position } from './errors.js';

export type Token =
  | { kind: 'identifier'; value: string; pos: Position }
  | { kind: 'tag'; value: string; pos: Position }
  | { kind: 'number'; value: number; pos: Position }
  | { kind: 'string'; value: string; pos: Position }
  | { kind: 'punct'; value: '[' | ']' | '(' | ')' | ',' | ';' | '{' | '}'; pos: Position }
  | { kind: 'eof'; pos: Position };

const QUANTIFIERS: Record<string, number> = { k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };
/** Numbers past this are refused rather than silently wrapped (RFC 5228 section 2.4.1 allows 2^31). */
const MAX_NUMBER = 2 ** 53 - 1;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): Position => ({ line, column: i - lineStart + 1 });
  const fail = (pos: Position, message: string): never => { throw new SieveSyntaxError(pos, message); };
  const newline = (at: number) => { line++; lineStart = at + 1; };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') { newline(i); i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const start = here();
      i += 2;
      for (;;) {
        if (i >= source.length) fail(start, 'unterminated comment');
        if (source[i] === '*' && source[i + 1] === '/') { i += 2; break; }
        if (source[i] === '\n') newline(i);
        i++;
      }
      continue;
    }
    const pos = here();
    if ('[](),;{}'.includes(c)) {
      tokens.push({ kind: 'punct', value: c as '[', pos });
      i++;
      continue;
    }
    if (c === '"') {
      i++;
      let value = '';
      for (;;) {
        if (i >= source.length) fail(pos, 'unterminated string');
        const d = source[i]!;
        if (d === '"') { i++; break; }
        if (d === '\\') {
          // "\\" and "\"" are the escapes; any other "\x" is x (RFC 5228 section 2.4.2).
          if (i + 1 >= source.length) fail(pos, 'unterminated string');
          value += source[i + 1]!;
          if (source[i + 1] === '\n') newline(i + 1);
          i += 2;
          continue;
        }
        if (d === '\n') newline(i);
        value += d;
        i++;
      }
      tokens.push({ kind: 'string', value: value.replace(/\r?\n/g, '\r\n'), pos });
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < source.length && /[0-9]/.test(source[j]!)) j++;
      let value = Number(source.slice(i, j));
      const q = source[j]?.toLowerCase();
      if (q && q in QUANTIFIERS) { value *= QUANTIFIERS[q]!; j++; }
      if (j < source.length && /[A-Za-z_]/.test(source[j]!)) fail(pos, `invalid number "${source.slice(i, j + 1)}"`);
      if (!Number.isSafeInteger(value) || value > MAX_NUMBER) fail(pos, 'number too large');
      tokens.push({ kind: 'number', value, pos });
      i = j;
      continue;
    }
    if (c === ':' || /[A-Za-z_]/.test(c)) {
      const isTag = c === ':';
      let j = isTag ? i + 1 : i;
      if (isTag && !/[A-Za-z_]/.test(source[j] ?? '')) fail(pos, 'a tag needs a name after ":"');
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      const word = source.slice(isTag ? i + 1 : i, j).toLowerCase();
      // text: starts a multi-line string that ends with a line holding only ".".
      if (!isTag && word === 'text' && source[j] === ':') {
        i = j + 1;
        while (source[i] === ' ' || source[i] === '\t') i++;
        if (source[i] === '#') while (i < source.length && source[i] !== '\n') i++;
        if (source[i] === '\r') i++;
        if (source[i] !== '\n') fail(here(), 'text: must be followed by the end of the line');
        newline(i);
        i++;
        const lines: string[] = [];
        for (;;) {
          if (i >= source.length) fail(pos, 'unterminated multi-line string (a line with only "." ends it)');
          let end = source.indexOf('\n', i);
          if (end < 0) end = source.length;
          const text = source.slice(i, end).replace(/\r$/, '');
          if (end < source.length) newline(end);
          i = end + 1;
          if (text === '.') break;
          lines.push(text.startsWith('..') ? text.slice(1) : text);
        }
        tokens.push({ kind: 'string', value: lines.map((l) => l + '\r\n').join(''), pos });
        continue;
      }
      tokens.push(isTag ? { kind: 'tag', value: word, pos } : { kind: 'identifier', value: word, pos });
      i = j;
      continue;
    }
    fail(pos, `unexpected character "${c}"`);
  }
  tokens.push({ kind: 'eof', pos: here() });
  return tokens;
}
