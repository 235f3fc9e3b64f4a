// ManageSieve commands (RFC 5804 section 4) from the bytes a client sent: a command name, then
// arguments that are quoted strings, literals ({N+} non-synchronising as clients must send, and
// {N} accepted too: we never wait for a continuation) or numbers, then CRLF. Works on whatever
// is buffered: "incomplete" asks for more bytes. Pure.

export type CommandArg = { kind: 'string'; value: string } | { kind: 'number'; value: number };

export type ParseResult =
  | { kind: 'incomplete' }
  /** `name` is upper-case; '' for a bare argument line (the client's SASL response). */
  | { kind: 'command'; name: string; args: CommandArg[]; consumed: number }
  /**
   * A malformed command: answer NO with `message`, drop `consumed` bytes, then `skip` more (the
   * rest of a literal too large to accept, which the client sends anyway).
   */
  | { kind: 'error'; message: string; consumed: number; skip: number; literalTooLarge: boolean };

export interface ParseOptions {
  /** Largest literal accepted (PUTSCRIPT's script). */
  maxLiteral: number;
  /** No command name: the line is only arguments (a SASL continuation response). */
  argumentsOnly?: boolean;
}

const CR = 0x0d;
const LF = 0x0a;

export function parseCommand(buf: Buffer, options: ParseOptions): ParseResult {
  let pos = 0;
  const lineError = (message: string): ParseResult => {
    const end = buf.indexOf('\r\n', pos);
    if (end < 0) return { kind: 'incomplete' };
    return { kind: 'error', message, consumed: end + 2, skip: 0, literalTooLarge: false };
  };

  let name = '';
  if (!options.argumentsOnly) {
    while (pos < buf.length && isAtomChar(buf[pos]!)) pos++;
    if (pos >= buf.length) return { kind: 'incomplete' };
    name = buf.subarray(0, pos).toString('latin1').toUpperCase();
    if (name === '') return lineError('Expected a command');
  }
  const args: CommandArg[] = [];
  for (;;) {
    if (pos >= buf.length) return { kind: 'incomplete' };
    if (buf[pos] === CR) {
      if (pos + 1 >= buf.length) return { kind: 'incomplete' };
      if (buf[pos + 1] !== LF) return lineError('Bare CR in a command');
      return { kind: 'command', name, args, consumed: pos + 2 };
    }
    if (name !== '' || args.length > 0) {
      if (buf[pos] !== 0x20) return lineError('Expected a space between arguments');
      pos++;
      if (pos >= buf.length) return { kind: 'incomplete' };
    }
    const c = buf[pos]!;
    if (c === 0x22) {
      // Quoted string: "\" escapes only "\" and the quote; no CR or LF inside.
      let value = '';
      let i = pos + 1;
      let closed = false;
      const bytes: number[] = [];
      for (; i < buf.length; i++) {
        const b = buf[i]!;
        if (b === CR || b === LF) return lineError('Line break inside a quoted string');
        if (b === 0x5c) {
          if (i + 1 >= buf.length) return { kind: 'incomplete' };
          const n = buf[i + 1]!;
          if (n !== 0x5c && n !== 0x22) return lineError('Invalid escape in a quoted string');
          bytes.push(n);
          i++;
          continue;
        }
        if (b === 0x22) { closed = true; break; }
        bytes.push(b);
      }
      if (!closed) return { kind: 'incomplete' };
      value = Buffer.from(bytes).toString('utf8');
      args.push({ kind: 'string', value });
      pos = i + 1;
      continue;
    }
    if (c === 0x7b) {
      const close = buf.indexOf('}', pos);
      // A brace not closed before the line ends is malformed now, not a literal still arriving.
      const lineEnd = buf.indexOf('\r\n', pos);
      if (lineEnd >= 0 && (close < 0 || close > lineEnd)) return lineError('Malformed literal');
      if (close < 0) return buf.length - pos > 24 ? lineError('Malformed literal') : { kind: 'incomplete' };
      const m = /^\{(\d{1,10})(\+?)\}$/.exec(buf.subarray(pos, close + 1).toString('latin1'));
      if (!m) return lineError('Malformed literal');
      if (buf.length < close + 3) return { kind: 'incomplete' };
      if (buf[close + 1] !== CR || buf[close + 2] !== LF) return lineError('A literal must be followed by CRLF');
      const size = Number(m[1]);
      const start = close + 3;
      if (size > options.maxLiteral) {
        return { kind: 'error', message: `Literal too large (at most ${options.maxLiteral} bytes)`, consumed: start, skip: size, literalTooLarge: true };
      }
      if (buf.length < start + size) return { kind: 'incomplete' };
      args.push({ kind: 'string', value: buf.subarray(start, start + size).toString('utf8') });
      pos = start + size;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      let i = pos;
      while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
      if (i >= buf.length) return { kind: 'incomplete' };
      if (i - pos > 15) return lineError('Number too large');
      args.push({ kind: 'number', value: Number(buf.subarray(pos, i).toString('latin1')) });
      pos = i;
      continue;
    }
    return lineError('Expected a string, a literal or a number');
  }
}

function isAtomChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}
