// The `<start.length>` suffix of BODY[...] and BINARY[...] (RFC 9051 section 6.4.5): a window on
// the section's octets. A start past the end gives the empty string, not an error.

import type { PartialSpec } from './section-spec.js';

/** The window [start, end) of a section `size` octets long, relative to the section's start. */
export function partialWindow(size: number, partial: PartialSpec | null): { start: number; end: number } {
  if (!partial) return { start: 0, end: size };
  const start = Math.min(partial.start, size);
  return { start, end: Math.min(size, start + partial.length) };
}

/** The window applied to bytes already in hand (filtered header fields, decoded binary). */
export function applyPartial(bytes: Buffer, partial: PartialSpec | null): Buffer {
  const w = partialWindow(bytes.length, partial);
  return bytes.subarray(w.start, w.end);
}
