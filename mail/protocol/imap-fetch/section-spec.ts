// The section of BODY[section] and BINARY[section] (RFC 9051 section 6.4.5) as a typed value,
// and a parser for the text between the brackets, for callers (and tests) that have it as text.
// The IMAP command parser may build SectionSpec values itself; resolution only needs the value.
//
//   section-spec  = section-msgtext / (section-part ["." section-text])
//   section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
//   section-text  = section-msgtext / "MIME"
//   section-part  = nz-number *("." nz-number)

export type SectionText =
  | { kind: 'HEADER' }
  | { kind: 'HEADER.FIELDS'; fields: string[]; not: boolean }
  | { kind: 'TEXT' }
  | { kind: 'MIME' };

export interface SectionSpec {
  /** Part numbers, outermost first; empty for the message itself. */
  part: number[];
  /** What of that part; null for its body (or, with no part, the whole message). */
  text: SectionText | null;
}

/** `<start.length>` after the section (RFC 9051: length is a non-zero number). */
export interface PartialSpec {
  start: number;
  length: number;
}

const NZ_NUMBER = /^[1-9][0-9]{0,9}$/;
// astring header names: atoms (no specials) or quoted strings.
const HEADER_NAME = /"((?:[^"\\]|\\.)*)"|([^\s()"]+)/g;

function parseHeaderList(text: string): string[] | null {
  const m = /^\((.*)\)$/s.exec(text.trim());
  if (!m) return null;
  const names: string[] = [];
  for (const hit of m[1]!.matchAll(HEADER_NAME)) {
    const name = hit[1] !== undefined ? hit[1].replace(/\\(.)/g, '$1') : hit[2]!;
    if (name === '' || /[\s:]/.test(name) || /[^\x21-\x7e]/.test(name)) return null;
    names.push(name);
  }
  // RFC 9051 header-list = "(" header-fld-name *(SP header-fld-name) ")": never empty.
  return names.length > 0 ? names : null;
}

function parseText(text: string, hasPart: boolean): SectionText | null {
  const upper = text.toUpperCase();
  if (upper === 'HEADER') return { kind: 'HEADER' };
  if (upper === 'TEXT') return { kind: 'TEXT' };
  if (upper === 'MIME') return hasPart ? { kind: 'MIME' } : null; // MIME needs a part number
  const fields = /^HEADER\.FIELDS(\.NOT)?\s+(\(.*\))$/is.exec(text);
  if (fields) {
    const names = parseHeaderList(fields[2]!);
    return names ? { kind: 'HEADER.FIELDS', fields: names, not: fields[1] !== undefined } : null;
  }
  return null;
}

/** Parses the text between "[" and "]"; null when it is not a valid section. */
export function parseSectionSpec(text: string): SectionSpec | null {
  if (text === '') return { part: [], text: null };
  const part: number[] = [];
  let rest = text;
  while (true) {
    const m = /^([0-9]+)(?:\.|$)/.exec(rest);
    if (!m) break;
    if (!NZ_NUMBER.test(m[1]!)) return null;
    part.push(Number(m[1]));
    rest = rest.slice(m[0].length);
    if (m[0].length === m[1]!.length) return { part, text: null }; // ended on a number
  }
  const sectionText = parseText(rest, part.length > 0);
  return sectionText ? { part, text: sectionText } : null;
}

/** BINARY[section] takes only part numbers (RFC 9051 section-binary). */
export function parseBinarySectionSpec(text: string): number[] | null {
  const spec = parseSectionSpec(text);
  return spec && spec.text === null ? spec.part : null;
}
