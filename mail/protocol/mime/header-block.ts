// One header block (a message's or a body part's), collected line by line as bytes arrive and
// capped in size so that a hostile sender cannot make the indexer hold megabytes of headers.
// Lines past the cap still count for offsets (the indexer tracks those); they are just not kept.

import { isUtf8 } from 'node:buffer';
import type { HeaderField } from './types.js';

export const MAX_HEADER_BLOCK_BYTES = 64 * 1024;

// RFC 5322 field name (printable ASCII except ":"), allowing the obsolete space before the colon.
const FIELD_START = /^[!-9;-~]+[ \t]*:/;

/** What a line at the start of a header block line means. */
export type HeaderLineKind = 'blank' | 'continuation' | 'field' | 'not-a-header';

export function classifyHeaderLine(line: Buffer): HeaderLineKind {
  const first = line[0];
  if (first === 0x0a || (first === 0x0d && line[1] === 0x0a && line.length === 2)) return 'blank';
  if (first === 0x20 || first === 0x09) return 'continuation';
  const head = line.subarray(0, Math.min(line.length, 200)).toString('latin1');
  return FIELD_START.test(head) ? 'field' : 'not-a-header';
}

export class HeaderBlock {
  private chunks: Buffer[] = [];
  private kept = 0;

  /** Keeps up to the cap; bytes of one line may arrive in several calls. */
  append(bytes: Buffer): void {
    const room = MAX_HEADER_BLOCK_BYTES - this.kept;
    if (room <= 0) return;
    const slice = bytes.length > room ? bytes.subarray(0, room) : bytes;
    // Copy: the caller's chunk may be reused or belong to a much larger buffer.
    this.chunks.push(Buffer.from(slice));
    this.kept += slice.length;
  }

  /** The fields in order, unfolded, values trimmed. */
  fields(): HeaderField[] {
    const bytes = Buffer.concat(this.chunks);
    // RFC 6532 allows UTF-8 in headers; anything else 8-bit is garbage we keep byte-for-char.
    const text = isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
    const fields: HeaderField[] = [];
    let current: string | null = null;
    const push = (): void => {
      if (current === null) return;
      const colon = current.indexOf(':');
      if (colon > 0) fields.push({ name: current.slice(0, colon).trimEnd(), value: current.slice(colon + 1).trim() });
      current = null;
    };
    for (const line of text.split(/\r?\n/)) {
      if (line === '') continue;
      if ((line[0] === ' ' || line[0] === '\t') && current !== null) {
        current += line; // unfolding removes only the line break
      } else {
        push();
        current = line;
      }
    }
    push();
    return fields;
  }
}

/** The first value of a field, matched case-insensitively. */
export function headerValue(fields: readonly HeaderField[], name: string): string | null {
  const lower = name.toLowerCase();
  for (const f of fields) if (f.name.toLowerCase() === lower) return f.value;
  return null;
}
