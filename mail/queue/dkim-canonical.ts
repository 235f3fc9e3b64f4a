// DKIM "relaxed" canonicalization (RFC 6376 3.4.2 and 3.4.4). Bytes are handled as latin1
// strings so that every octet maps to one char and back unchanged, whatever the charset.

import { createHash, type Hash } from 'node:crypto';

/** One header field as it appears in the message: `raw` keeps the folding, without the final CRLF. */
export interface HeaderField {
  /** Lower-case field name. */
  key: string;
  raw: string;
}

/** `Name:value` -> `name:value` unfolded, runs of WSP as one space, none around the colon or at the end. */
export function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).replace(/[ \t]+$/, '').toLowerCase();
  const value = raw.slice(colon + 1).replace(/\r?\n/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${name}:${value}`;
}

/** Splits a header block (latin1, without the blank line) into fields; continuation lines join the field above. */
export function splitHeaderFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      fields[fields.length - 1]!.raw += '\r\n' + line;
    } else if (line.includes(':')) {
      fields.push({ key: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
    }
    // A line with no colon is not a header field; it cannot be signed, so it is skipped.
  }
  return fields;
}

/**
 * Hashes a body under relaxed canonicalization as it streams: WSP runs become one space, WSP at
 * line ends goes, empty lines at the end go, and a non-empty body ends with CRLF. Empty lines are
 * counted rather than hashed until a non-empty line shows they were not at the end.
 */
export class RelaxedBodyHash {
  private readonly hash: Hash;
  private partial = '';
  private pendingEmptyLines = 0;

  constructor(algorithm = 'sha256') {
    this.hash = createHash(algorithm);
  }

  update(chunk: Buffer): void {
    const text = this.partial + chunk.toString('latin1');
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) { this.partial = text; return; }
    this.partial = text.slice(lastNewline + 1);
    const lines = text.slice(0, lastNewline).split('\n');
    let out = '';
    for (const line of lines) out += this.line(line);
    if (out) this.hash.update(out, 'latin1');
  }

  /** The base64 body hash (`bh=`). */
  digest(): string {
    if (this.partial !== '') {
      const out = this.line(this.partial);
      if (out) this.hash.update(out, 'latin1');
      this.partial = '';
    }
    return this.hash.digest('base64');
  }

  private line(raw: string): string {
    const line = raw.replace(/\r$/, '').replace(/[ \t]+/g, ' ').replace(/ $/, '');
    if (line === '') { this.pendingEmptyLines++; return ''; }
    const out = '\r\n'.repeat(this.pendingEmptyLines) + line + '\r\n';
    this.pendingEmptyLines = 0;
    return out;
  }
}
