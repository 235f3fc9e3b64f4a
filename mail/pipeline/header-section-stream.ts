// Streams a message while rewriting only its header section: the header is held (up to
// MAX_HEADER_BYTES) and handed to `rewrite` once the empty line that ends it arrives; the body
// passes through untouched. A header longer than the cap passes through unrewritten, which the
// callers accept because the fields they vouch for are added on top of anything the sender wrote.
//
// The input has CRLF line endings (the session's line-ending scanner normalised it). `rewrite`
// gets whole field lines, each ending in CRLF (the last may lack it when the message is all header).

const MAX_HEADER_BYTES = 256 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export async function* rewriteHeaderSection(chunks: AsyncIterable<Buffer>, rewrite: (header: Buffer) => Buffer): AsyncGenerator<Buffer> {
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
      yield rewrite(joined.subarray(0, headerEnd));
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
  if (!passing && pending.length > 0) yield rewrite(Buffer.concat(pending));
}
