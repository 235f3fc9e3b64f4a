// BODY[HEADER.FIELDS (...)] and BODY[HEADER.FIELDS.NOT (...)] (RFC 9051 section 6.4.5): the
// header block with only the named fields (or all but them), each field whole with its folded
// continuation lines and line breaks exactly as stored, in message order, then the blank line.
// Field names compare case-insensitively. Lines that are not fields (no colon) are dropped from
// both forms: they are not header fields at all.

const CRLF = Buffer.from('\r\n');

function isContinuation(line: Buffer): boolean {
  return line[0] === 0x20 || line[0] === 0x09;
}

function isBlank(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === 0x0a) || (line.length === 2 && line[0] === 0x0d && line[1] === 0x0a);
}

/** The field name of a header line, lower-cased, or null when the line is not a field. */
function fieldName(line: Buffer): string | null {
  const colon = line.indexOf(0x3a);
  if (colon <= 0) return null;
  // RFC 5322 obsolete syntax allows blanks between the name and the colon.
  const name = line.subarray(0, colon).toString('latin1').replace(/[ \t]+$/, '');
  return /^[!-9;-~]+$/.test(name) ? name.toLowerCase() : null;
}

/**
 * Filters a header block (the bytes of BODY[HEADER] or BODY[n.HEADER]) down to the fields named
 * (`not` false) or to every other field (`not` true). Always ends with a blank line, even when
 * no field matched, as Dovecot and Cyrus answer.
 */
export function filterHeaderFields(headerBlock: Buffer, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const kept: Buffer[] = [];
  let keeping = false;
  let pos = 0;
  while (pos < headerBlock.length) {
    const lf = headerBlock.indexOf(0x0a, pos);
    const end = lf === -1 ? headerBlock.length : lf + 1;
    const line = headerBlock.subarray(pos, end);
    pos = end;
    if (isBlank(line)) break; // the end of the header block
    if (isContinuation(line)) {
      if (keeping) kept.push(line);
      continue;
    }
    const name = fieldName(line);
    keeping = name !== null && wanted.has(name) !== not;
    if (keeping) kept.push(line);
  }
  // A block cut off without a final line break still gets one before the blank line.
  const last = kept[kept.length - 1];
  if (last && last[last.length - 1] !== 0x0a) kept.push(CRLF);
  kept.push(CRLF);
  return Buffer.concat(kept);
}
