// RFC 8601 §5: an MTA adding Authentication-Results SHOULD remove (or rename) any such field
// already in the message that claims its own authserv-id, because a reader trusting our results
// cannot tell a forged copy from ours. We remove them: renaming keeps the forged text visible to
// no benefit, and our own field goes on top anyway. Fields of other authserv-ids stay (they are
// the reports of the hops before us). The filter streams (header-section-stream.ts): a header
// section too long to hold passes through unfiltered, which is safe because our field still
// comes first.

import { rewriteHeaderSection } from './header-section-stream.js';

export function dropOurAuthenticationResults(chunks: AsyncIterable<Buffer>, authservId: string): AsyncGenerator<Buffer> {
  const id = authservId.toLowerCase();
  return rewriteHeaderSection(chunks, (header) => filterHeader(header, id));
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
