// FETCH BODY and BODYSTRUCTURE (RFC 9051 section 7.5.2, RFC 3501 section 7.4.2) as ImapValues,
// from the part tree the indexer stored at delivery.
//
// Conventions, checked against a real Dovecot 2.3.19 (see the tests):
// - Type, subtype and encoding are sent lower-case, as Dovecot sends the usual lower-case headers
//   (the index keeps them lower-cased, so "TEXT/PLAIN" in a header also goes out lower-case;
//   Dovecot would echo the header's case, Cyrus upper-cases; clients compare case-insensitively).
// - A text part without a charset parameter gets "charset" "us-ascii" (the RFC 2045 default)
//   after its other parameters, as Dovecot does; clients otherwise guess.
// - The extensible form always carries every extension field (md5, disposition, language,
//   location; for multiparts params, disposition, language, location), NIL when absent.
// - Content-Language is always a list: ("vi") rather than "vi"; both are allowed.
// - Sizes are body octets as stored (CRLF), lines are what the index counted.

import type { BodyPart } from '../mime/types.js';
import { envelopeValue } from './envelope.js';
import { imapValueToBuffer, type ImapSerializeOptions, type ImapValue } from './imap-value.js';
import { parameterListValue } from './body-parameters.js';

export interface BodyStructureOptions {
  /** BODYSTRUCTURE (true) or the non-extensible BODY (false). */
  extensible: boolean;
  /** UTF-8 allowed in strings (UTF8=ACCEPT, IMAP4rev2): parameter values go out unencoded. */
  utf8: boolean;
}

function textParams(part: BodyPart): Record<string, string> {
  if (part.type !== 'text' || 'charset' in part.params) return part.params;
  return { ...part.params, charset: 'us-ascii' };
}

function dispositionValue(part: BodyPart, options: BodyStructureOptions): ImapValue {
  if (!part.disposition) return null;
  return [part.disposition.type, parameterListValue(part.disposition.params, options)];
}

function languageValue(part: BodyPart): ImapValue {
  return part.language && part.language.length > 0 ? [...part.language] : null;
}

/** A message/rfc822 (or message/global) part whose enclosed message the indexer parsed. */
function isEncapsulatedMessage(part: BodyPart): part is BodyPart & { message: NonNullable<BodyPart['message']> } {
  return isMessageType(part) && part.message !== undefined;
}

function isMessageType(part: BodyPart): boolean {
  return part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global');
}

const EMPTY_ENVELOPE: ImapValue = [null, null, null, null, null, null, null, null, null, null];
const EMPTY_TEXT_PART: BodyPart = {
  partId: '', type: 'text', subtype: 'plain', params: {}, id: null, description: null, encoding: '7bit', md5: null,
  disposition: null, language: null, location: null, headerStart: 0, bodyStart: 0, bodyEnd: 0, lines: 0,
};

function multipartValue(part: BodyPart, options: BodyStructureOptions): ImapValue {
  // `1*body SP media-subtype`: the children follow each other without a space.
  const value: ImapValue[] = [{ adjacent: (part.parts ?? []).map((child) => bodyStructureValue(child, options)) }, part.subtype];
  if (options.extensible) {
    value.push(parameterListValue(part.params, options), dispositionValue(part, options), languageValue(part), part.location);
  }
  return value;
}

function singlePartValue(part: BodyPart, options: BodyStructureOptions): ImapValue {
  const value: ImapValue[] = [
    part.type,
    part.subtype,
    parameterListValue(textParams(part), options),
    part.id,
    part.description,
    part.encoding,
    part.bodyEnd - part.bodyStart,
  ];
  if (isEncapsulatedMessage(part)) {
    value.push(envelopeValue(part.message.envelope), bodyStructureValue(part.message.body, options), part.lines);
  } else if (isMessageType(part)) {
    // The indexer did not open it (transfer-encoded, or nested too deep). Clients parse
    // "message" "rfc822" with an envelope and a body after it whatever the grammar's basic
    // form allows, so, as Dovecot does, send an empty envelope and an empty text body.
    value.push(EMPTY_ENVELOPE, bodyStructureValue(EMPTY_TEXT_PART, options), part.lines);
  } else if (part.type === 'text') {
    value.push(part.lines);
  }
  if (options.extensible) {
    value.push(part.md5, dispositionValue(part, options), languageValue(part), part.location);
  }
  return value;
}

/** BODY (non-extensible) or BODYSTRUCTURE of a part and everything below it. */
export function bodyStructureValue(part: BodyPart, options: BodyStructureOptions): ImapValue {
  return part.type === 'multipart' ? multipartValue(part, options) : singlePartValue(part, options);
}

/** The serialised BODY / BODYSTRUCTURE (tests, and a cache the store may keep). */
export function formatBodyStructure(part: BodyPart, options: BodyStructureOptions): Buffer {
  const serialize: ImapSerializeOptions = { utf8: options.utf8 };
  return imapValueToBuffer(bodyStructureValue(part, options), serialize);
}
