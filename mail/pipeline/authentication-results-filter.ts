// RFC 8601 §5: an MTA adding Authentication-Results SHOULD remove (or rename) any such field
// already in the message that claims its own authserv-id, because a reader trusting our results
// cannot tell a forged copy from ours. We remove them: renaming keeps the forged text visible to
// no benefit, and our own field goes on top anyway. Fields of other authserv-ids stay (they are
// the reports of the hops before us). The filter streams: it holds only the header section (up
// to MAX_HEADER_BYTES; a header section longer than that passes through unfiltered, which is
// safe because our field still comes first) and passes the body through untouched.
//
// The input has CRLF line endings (the session's line-ending scanner normalised it).

const MAX_HEADER_BYTES = 256 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export async function* dropOurAuthenticationResults(chunks: AsyncIterable<Buffer>, authservId: string): AsyncGenerator<Buffer> {
  const id = authservId.toLowerCase();
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let passing = false;
  for await (const chunk of chunks) {
    if (passing) { yield chunk; continue; }
    pending.push(chunk);
    pendingSize += chunk.length;
    const joined = Buffer.concat(pending);
    // The header section ends at the first empty line; a message may start with one (no header).
    const end = joined.subarray(0, 2).equals(CRLFCRLF.subarray(0, 2)) ? 0 : joined.indexOf(CRLFCRLF);
    if (end >= 0) {
      const headerEnd = end === 0 ? 0 : end + 2; // keep the last field's CRLF with the header
      yield filterHeader(joined.subarray(0, headerEnd), id);
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
  if (!passing && pending.length > 0) yield filterHeader(Buffer.concat(pending), id);
}

/** `header` is whole field lines, each ending in CRLF. */
function filterHeader(header: Buffer, authservId: string): Buffer {
  const text = header.toString('latin1');
  if (!/authentication-results/i.test(text)) return header;
  // Group the lines into fields (a field continues on lines starting with WSP), then decide
  // on the unfolded field: the authserv-id may sit on a continuation line.
  const fields: string[][] = [];
  for (const line of text.split('\r\n')) {
    const last = fields[fields.length - 1];
    if (last && (line.startsWith(' ') || line.startsWith('\t'))) last.push(line);
    else fields.push([line]);
  }
  return Buffer.from(fields.filter((f) => !isOurs(f.join(' '), authservId)).map((f) => f.join('\r\n')).join('\r\n'), 'latin1');
}

function isOurs(fieldLine: string, authservId: string): boolean {
  const m = /^authentication-results[ \t]*:(.*)$/i.exec(fieldLine);
  if (!m) return false;
  // authserv-id is the first token, possibly after CFWS; a version number may follow it.
  const value = m[1]!.replace(/\([^)]*\)/g, ' ').trim();
  const first = value.split(/[;\s]/, 1)[0] ?? '';
  return first.toLowerCase().replace(/\.$/, '') === authservId;
}
