// Reads the tokens of one complete command (its lines and literals, see RawCommand) for the
// per-command parsers. Every failure is an ImapParseError carrying the command's tag, so the
// session can always answer `tag BAD ...`.

import { ImapErrorCode, ImapParseError } from './errors.js';
import { ASTRING_CHAR, ATOM_CHAR, LIST_CHAR } from './char-classes.js';
import type { RawCommand } from './reader-events.js';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TILDE = 0x7e;
const PLUS = 0x2b;
const MAX_UINT32 = 0xffffffff;
/** mod-sequence-value (RFC 7162): 1 to 2^63 - 1. */
const MAX_MODSEQ = (1n << 63n) - 1n;

/** A literal announced at the very end of an APPEND head whose octets are streamed separately. */
export interface TrailingLiteral {
  size: number;
  binary: boolean;
  synchronizing: boolean;
}

export class CommandCursor {
  readonly tag: string;
  private lineIndex = 0;
  private pos = 0;

  constructor(private readonly raw: RawCommand) {
    this.tag = raw.tag;
  }

  private get line(): Buffer {
    return this.raw.lines[this.lineIndex]!;
  }

  fail(message: string, code: string = ImapErrorCode.syntax, responseCode?: string): never {
    throw new ImapParseError(code, message, { tag: this.tag, responseCode });
  }

  /** Positions the cursor just after the command name (and `UID` when `skipWords` is 2). */
  skipWords(count: number): void {
    for (let w = 0; w < count; w++) {
      while (this.pos < this.line.length && this.line[this.pos] !== SP) this.pos++;
      if (w < count - 1) this.pos++;
    }
  }

  /** No more input in the whole command. */
  atEnd(): boolean {
    return this.lineIndex === this.raw.lines.length - 1 && this.pos >= this.line.length;
  }

  /** The next byte on the current line, or -1 at its end. */
  peek(): number {
    return this.pos < this.line.length ? this.line[this.pos]! : -1;
  }

  expectEnd(): void {
    if (!this.atEnd()) this.fail(`Unexpected characters at end of ${this.raw.name}`);
  }

  sp(): void {
    if (this.peek() !== SP) this.fail('Expected a space');
    this.pos++;
  }

  /** Consumes a space when there is one. */
  maybeSp(): boolean {
    if (this.peek() !== SP) return false;
    this.pos++;
    return true;
  }

  expect(char: string): void {
    if (this.peek() !== char.charCodeAt(0)) this.fail(`Expected "${char}"`);
    this.pos++;
  }

  /** Consumes `char` when it is next. */
  accept(char: string): boolean {
    if (this.peek() !== char.charCodeAt(0)) return false;
    this.pos++;
    return true;
  }

  /** 1*ATOM-CHAR as a string (latin1: atoms are ASCII). */
  atom(what = 'an atom'): string {
    return this.run(ATOM_CHAR, what).toString('utf8');
  }

  /** An atom, upper-cased: for keywords such as FETCH items and SEARCH keys. */
  keyword(what = 'a keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** Like keyword(), but stops at `stop` too: FETCH's `BODY.PEEK[` reads as BODY.PEEK then `[`. */
  keywordBefore(stop: number): string {
    const start = this.pos;
    while (this.pos < this.line.length && ATOM_CHAR[this.line[this.pos]!] === 1 && this.line[this.pos] !== stop) this.pos++;
    if (this.pos === start) this.fail('Expected a keyword');
    return this.line.toString('latin1', start, this.pos).toUpperCase();
  }

  /** The next atom upper-cased, without consuming it; '' when none. */
  peekKeyword(): string {
    let end = this.pos;
    while (end < this.line.length && ATOM_CHAR[this.line[end]!] === 1) end++;
    return this.line.toString('latin1', this.pos, end).toUpperCase();
  }

  /** number (RFC 9051): 0 to 2^32 - 1. */
  number(what = 'a number'): number {
    const digits = this.digits(what);
    if (digits.length > 10 || Number(digits) > MAX_UINT32) this.fail(`${what} out of range`, ImapErrorCode.numberOutOfRange);
    return Number(digits);
  }

  /** nz-number: 1 to 2^32 - 1. */
  nzNumber(what = 'a non-zero number'): number {
    const n = this.number(what);
    if (n === 0) this.fail(`${what} must not be 0`);
    return n;
  }

  /** mod-sequence-value; `allowZero` for mod-sequence-valzer (CHANGEDSINCE 0, UNCHANGEDSINCE 0). */
  modSeq(allowZero = true): bigint {
    const digits = this.digits('a mod-sequence');
    if (digits.length > 19) this.fail('mod-sequence out of range', ImapErrorCode.numberOutOfRange);
    const n = BigInt(digits);
    if (n > MAX_MODSEQ || (!allowZero && n === 0n)) this.fail('mod-sequence out of range', ImapErrorCode.numberOutOfRange);
    return n;
  }

  private digits(what: string): string {
    const start = this.pos;
    while (this.pos < this.line.length && this.line[this.pos]! >= 0x30 && this.line[this.pos]! <= 0x39) this.pos++;
    if (this.pos === start) this.fail(`Expected ${what}`);
    return this.line.toString('latin1', start, this.pos);
  }

  /** string = quoted / literal, as raw octets. */
  string(what = 'a string'): Buffer {
    const b = this.peek();
    if (b === DQUOTE) return this.quoted();
    if (b === LBRACE || b === TILDE) return this.literal();
    return this.fail(`Expected ${what}`);
  }

  /** astring = 1*ASTRING-CHAR / string. */
  astring(what = 'a string'): Buffer {
    const b = this.peek();
    if (b === DQUOTE || b === LBRACE || b === TILDE) return this.string(what);
    return this.run(ASTRING_CHAR, what);
  }

  /** nstring = string / NIL. */
  nstring(what = 'a string or NIL'): Buffer | null {
    if (this.peekKeyword() === 'NIL' && this.peek() !== DQUOTE) {
      this.pos += 3;
      return null;
    }
    return this.string(what);
  }

  /** list-mailbox = 1*list-char / string (LIST and LSUB patterns may hold % and *). */
  listMailbox(): Buffer {
    const b = this.peek();
    if (b === DQUOTE || b === LBRACE || b === TILDE) return this.string('a mailbox pattern');
    return this.run(LIST_CHAR, 'a mailbox pattern');
  }

  /** Reads bytes of a class; fails when there is none. */
  run(table: Uint8Array, what: string): Buffer {
    const start = this.pos;
    const line = this.line;
    while (this.pos < line.length && table[line[this.pos]!] === 1) this.pos++;
    if (this.pos === start) this.fail(`Expected ${what}`);
    return line.subarray(start, this.pos);
  }

  /** Bytes up to (not including) the next byte in `stops` or the end of the line. */
  until(stops: number[]): Buffer {
    const start = this.pos;
    const line = this.line;
    while (this.pos < line.length && !stops.includes(line[this.pos]!)) this.pos++;
    return line.subarray(start, this.pos);
  }

  private quoted(): Buffer {
    const line = this.line;
    this.pos++; // opening quote
    const start = this.pos;
    // Fast path: no escapes.
    const close = line.indexOf(DQUOTE, start);
    const backslash = line.indexOf(BACKSLASH, start);
    if (close !== -1 && (backslash === -1 || backslash > close)) {
      this.pos = close + 1;
      const value = line.subarray(start, close);
      if (value.includes(0)) this.fail('NUL in quoted string');
      return value;
    }
    const out: number[] = [];
    while (this.pos < line.length) {
      const b = line[this.pos++]!;
      if (b === DQUOTE) return Buffer.from(out);
      if (b === BACKSLASH) {
        const next = line[this.pos++];
        if (next !== DQUOTE && next !== BACKSLASH) this.fail('Invalid escape in quoted string');
        out.push(next);
        continue;
      }
      if (b === 0) this.fail('NUL in quoted string');
      out.push(b);
    }
    return this.fail('Unterminated quoted string');
  }

  /** `{n}` / `{n+}` / `~{n}` at the end of this line, then the literal's octets; moves to the next line. */
  private literal(): Buffer {
    const ann = this.announcement();
    if (this.lineIndex >= this.raw.literals.length) this.fail('Literal announced but not sent');
    const lit = this.raw.literals[this.lineIndex]!;
    if (lit.data.length !== ann.size) this.fail('Literal size mismatch');
    if (!ann.binary && lit.data.includes(0)) this.fail('NUL in literal (use literal8)');
    this.lineIndex++;
    this.pos = 0;
    return lit.data;
  }

  private announcement(): TrailingLiteral {
    const line = this.line;
    let binary = false;
    if (line[this.pos] === TILDE) {
      binary = true;
      this.pos++;
    }
    if (line[this.pos] !== LBRACE) this.fail('Expected a literal');
    this.pos++;
    const size = this.number('a literal size');
    let synchronizing = true;
    if (line[this.pos] === PLUS) {
      synchronizing = false;
      this.pos++;
    }
    if (line[this.pos] !== RBRACE) this.fail('Invalid literal announcement');
    this.pos++;
    if (this.pos !== line.length) this.fail('Literal announcement must end the line');
    return { size, binary, synchronizing };
  }

  /** The APPEND message announcement that ends a head (its octets are streamed, not here). */
  trailingLiteral(): TrailingLiteral {
    if (this.lineIndex !== this.raw.lines.length - 1) this.fail('Expected the message literal');
    const ann = this.announcement();
    return ann;
  }

  /** True when the next token is a literal or literal8. */
  atLiteral(): boolean {
    const b = this.peek();
    return b === LBRACE || b === TILDE;
  }
}
