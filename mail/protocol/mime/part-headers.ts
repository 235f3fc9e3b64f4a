// The MIME description of one body part from its header fields: what IMAP BODYSTRUCTURE reports
// (type, parameters, id, description, encoding, md5, disposition, language, location).

import { headerValue } from './header-block.js';
import { parseContentType, parseStructuredValue, type ContentType } from './header-params.js';
import type { BodyPart, HeaderField } from './types.js';

export type PartDescription = Pick<BodyPart, 'type' | 'subtype' | 'params' | 'id' | 'description' | 'encoding' | 'md5' | 'disposition' | 'language' | 'location'>;

export function describePart(fields: readonly HeaderField[], defaultType: 'text/plain' | 'message/rfc822'): PartDescription {
  const ct: ContentType = parseContentType(headerValue(fields, 'content-type'), defaultType);
  const cte = headerValue(fields, 'content-transfer-encoding');
  const disp = headerValue(fields, 'content-disposition');
  const dispParsed = disp === null ? null : parseStructuredValue(disp);
  const lang = headerValue(fields, 'content-language');
  const location = headerValue(fields, 'content-location');
  return {
    type: ct.type,
    subtype: ct.subtype,
    params: ct.params,
    id: headerValue(fields, 'content-id'),
    description: headerValue(fields, 'content-description'),
    encoding: cte ? cte.replace(/\([^)]*\)/g, '').trim().toLowerCase() || '7bit' : '7bit',
    md5: headerValue(fields, 'content-md5'),
    disposition: dispParsed && dispParsed.value ? { type: dispParsed.value, params: dispParsed.params } : null,
    language: lang ? lang.split(',').map((s) => s.trim()).filter(Boolean) : null,
    // RFC 2557: folding whitespace inside a URL is not part of it.
    location: location ? location.replace(/\s+/g, '') : null,
  };
}
