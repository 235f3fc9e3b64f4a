// Removes the named header fields (case-insensitive, every occurrence, continuation lines
// included) from a message's header section, streaming: only the header section is held (up to
// MAX_HEADER_BYTES; a longer one passes through unfiltered, which is safe because the fields a
// check vouches for are added on top, above anything the sender wrote) and the body passes
// through untouched. Used for the fields the content checks replace (X-Spam, X-Spam-Status,
// Subject on "rewrite subject"): see CheckResult.dropHeaders.
//
// The input has CRLF line endings (the session's line-ending scanner normalised it).

const MAX_HEADER_BYTES = 256 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export async function* dropHeaderFields(chunks: AsyncIterable<Buffer>, names: readonly string[]): AsyncGenerator<Buffer> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  if (drop.size === 0) { yield* chunks; return; }
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let passing = false;
  for await (const chunk of chunks) {
    if (passing) { yield chunk; continue; }
    pending.push(chunk);
    pendingSize += chunk.length;
    const joined = pending.length === 1 ? chunk : Buffer.concat(pending);
    // The header section ends at the first empty line; a message may start with one (no header).
    const end = joined[0] === 0x0d && joined[1] === 0x0a ? 0 : joined.indexOf(CRLFCRLF);
    if (end >= 0) {
      const headerEnd = end === 0 ? 0 : end + 2; // the last field's CRLF stays with the header
      yield filterHeader(joined.subarray(0, headerEnd), drop);
      yield joined.subarray(headerEnd);
      passing = true;
      pending = [];
      continue;
    }
    if (pendingSize > MAX_HEADER_BYTES) {
      yield joined;
      passing = true;
      pending = [];
      continue;
    }
    pending = [joined];
  }
  // A message that is all header (no empty line).
  if (!passing && pending.length > 0) yield filterHeader(Buffer.concat(pending), drop);
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
