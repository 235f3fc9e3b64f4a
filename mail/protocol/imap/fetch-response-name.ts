// How a FETCH item is named in the FETCH response (RFC 9051 7.5.2): BODY.PEEK[...] is answered
// as BODY[...], a partial `<offset.length>` as `<offset>`, and HEADER.FIELDS echoes the field
// list as requested (clients match the response to the request by this text).

import type { BodySection, FetchItem } from './command-types.js';
import { isAtom, quoteString } from './response-writer.js';

export function formatBodySection(section: BodySection): string {
  const parts: string[] = section.part.map(String);
  if (section.text) parts.push(section.text);
  let spec = parts.join('.');
  if (section.fields) {
    const names = section.fields.map((f) => (isAtom(f) ? f : quoteString(f, { utf8: true }) ?? `"${f}"`));
    spec += ` (${names.join(' ')})`;
  }
  return `[${spec}]`;
}

export function fetchItemResponseName(item: FetchItem): string {
  switch (item.kind) {
    case 'attribute':
      return item.name;
    case 'body':
      return `BODY${formatBodySection(item.section)}${item.partial ? `<${item.partial.offset}>` : ''}`;
    case 'binary':
      return `BINARY[${item.part.join('.')}]${item.partial ? `<${item.partial.offset}>` : ''}`;
    case 'binarySize':
      return `BINARY.SIZE[${item.part.join('.')}]`;
  }
}
