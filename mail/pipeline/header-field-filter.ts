// Removes the named header fields (case-insensitive, every occurrence, continuation lines
// included) from a message's header section, streaming (header-section-stream.ts: a header too
// long to hold passes through unfiltered, which is safe because the fields a check vouches for
// are added on top, above anything the sender wrote). Used for the fields the content checks
// replace (X-Spam, X-Spam-Status, Subject on "rewrite subject"): see CheckResult.dropHeaders.

import { rewriteHeaderSection } from './header-section-stream.js';

export async function* dropHeaderFields(chunks: AsyncIterable<Buffer>, names: readonly string[]): AsyncGenerator<Buffer> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  if (drop.size === 0) { yield* chunks; return; }
  yield* rewriteHeaderSection(chunks, (header) => filterHeader(header, drop));
}

/** `header` is whole field lines, each ending in CRLF (the last one may lack it). */
function filterHeader(header: Buffer, drop: ReadonlySet<string>): Buffer {
  if (header.length === 0) return header;
  const lines = header.toString('latin1').split('\r\n');
  const out: string[] = [];
  let dropping = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (i === lines.length - 1 && line === '') { out.push(line); break; } // after the final CRLF
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!dropping) out.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd().toLowerCase() : null;
    dropping = name !== null && drop.has(name);
    if (!dropping) out.push(line);
  }
  return Buffer.from(out.join('\r\n'), 'latin1');
}
