// The output side's primitives (RFC 9051 sections 4 and 7): how a value goes on the wire (atom,
// quoted string, literal, literal8, NIL, parenthesised list) and the shapes of whole responses
// (tagged, untagged, continuation). A response is a list of Buffers so a message body can be
// passed through as one chunk (or, later, streamed) without being copied into a string.
//
// Why strings sometimes become literals: a quoted string cannot hold CR, LF or NUL, and in
// IMAP4rev1 not 8-bit octets either; and quoting a long value costs the client escaping work
// for nothing, so values over MAX_QUOTED octets are sent as literals too.

import { ATOM_CHAR } from './char-classes.js';
import type { ImapParseError } from './errors.js';

export type ResponseChunks = Buffer[];
export type TaggedStatus = 'OK' | 'NO' | 'BAD';
export type UntaggedStatus = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

/** Longest value we send quoted; longer ones go as literals. */
export const MAX_QUOTED = 1024;

export interface WriterOptions {
  /** IMAP4rev2 or UTF8=ACCEPT: UTF-8 may appear in quoted strings. */
  utf8?: boolean;
}

/** Text for a resp-text: no CR or LF (they would end the response early). */
export function sanitizeText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** The value as a quoted string, or null when it must be a literal. */
export function quoteString(value: string | Buffer, options: WriterOptions = {}): string | null {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length > MAX_QUOTED) return null;
  for (const b of bytes) {
    if (b === 0x00 || b === 0x0a || b === 0x0d) return null;
    if (b >= 0x80 && !options.utf8) return null;
  }
  const text = bytes.toString(options.utf8 ? 'utf8' : 'latin1');
  return `"${text.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/** True when the value can be sent as an atom (and is not the atom NIL). */
export function isAtom(value: string): boolean {
  if (value.length === 0 || value.length > MAX_QUOTED || value.toUpperCase() === 'NIL') return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || ATOM_CHAR[c] !== 1) return false;
  }
  return true;
}

/** Builds one response from values; every method appends and returns the builder. */
export class ResponseBuilder {
  private readonly out: Buffer[] = [];
  private text = '';

  constructor(private readonly options: WriterOptions = {}) {}

  /** Protocol text written as is (keywords, punctuation, numbers you formatted). */
  raw(text: string): this {
    this.text += text;
    return this;
  }

  sp(): this {
    return this.raw(' ');
  }

  number(n: number | bigint): this {
    return this.raw(String(n));
  }

  nil(): this {
    return this.raw('NIL');
  }

  open(): this {
    return this.raw('(');
  }

  close(): this {
    return this.raw(')');
  }

  /** string: quoted when possible, else a literal. */
  string(value: string | Buffer): this {
    const quoted = quoteString(value, this.options);
    if (quoted !== null) return this.raw(quoted);
    return this.literal(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  }

  /** astring: an atom when possible (mailbox names, flags), else a string. */
  astring(value: string): this {
    return isAtom(value) ? this.raw(value) : this.string(value);
  }

  /** nstring: NIL for null. */
  nstring(value: string | Buffer | null): this {
    return value === null ? this.nil() : this.string(value);
  }

  /** `{n}` CRLF octets, or literal8 `~{n}` (BINARY, may hold NUL). The octets are not copied. */
  literal(data: Buffer, binary = false): this {
    this.raw(`${binary ? '~' : ''}{${data.length}}\r\n`);
    this.flushText();
    if (data.length > 0) this.out.push(data);
    return this;
  }

  /** "(" items separated by SP ")", each written by `write`; `()` when empty. */
  list<T>(items: Iterable<T>, write: (b: this, item: T) => void): this {
    this.open();
    let first = true;
    for (const item of items) {
      if (!first) this.sp();
      first = false;
      write(this, item);
    }
    return this.close();
  }

  crlf(): this {
    return this.raw('\r\n');
  }

  /** The response so far, as chunks to write in order. */
  chunks(): ResponseChunks {
    this.flushText();
    return [...this.out];
  }

  private flushText(): void {
    if (this.text) this.out.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
}

function withCode(code: string | undefined, text: string): string {
  const body = sanitizeText(text);
  return code ? `[${sanitizeText(code)}] ${body}` : body;
}

/** `tag OK [CODE] text` CRLF. */
export function formatTagged(tag: string, status: TaggedStatus, text: string, code?: string): Buffer {
  return Buffer.from(`${tag} ${status} ${withCode(code, text)}\r\n`, 'utf8');
}

/** `* OK [CODE] text` CRLF (also NO, BAD, BYE, PREAUTH). */
export function formatUntaggedStatus(status: UntaggedStatus, text: string, code?: string): Buffer {
  return Buffer.from(`* ${status} ${withCode(code, text)}\r\n`, 'utf8');
}

/** `* <data>` CRLF for simple untagged data (`* 23 EXISTS`, `* CAPABILITY ...`). */
export function formatUntagged(data: string): Buffer {
  return Buffer.from(`* ${sanitizeText(data)}\r\n`, 'utf8');
}

/** `+ text` CRLF: a continuation request (literal accepted, IDLE started, SASL challenge). */
export function formatContinuation(text = ''): Buffer {
  return Buffer.from(`+ ${sanitizeText(text)}\r\n`, 'utf8');
}

/** The reply for a reader or parser error: `tag BAD [CODE] text`, or `* BAD text` without a tag. */
export function formatParseError(error: ImapParseError): Buffer {
  if (error.tag === null) return formatUntaggedStatus('BAD', error.message, error.responseCode);
  return formatTagged(error.tag, error.status, error.message, error.responseCode);
}
