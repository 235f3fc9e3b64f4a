// FETCH ENVELOPE (RFC 9051 section 7.5.2, RFC 3501 section 7.4.2) as an ImapValue, from the
// Envelope the MIME indexer stored at delivery: no header is parsed again here.
//
//   (date subject from sender reply-to to cc bcc in-reply-to message-id)
//
// Strings are sent raw, encoded-words and all; clients decode them. An absent header is NIL and
// a present but empty one the empty string, as the RFC asks. Sender and Reply-To already default
// to From in the stored envelope (the RFC makes that the server's job).

import type { Envelope, EnvelopeAddress } from '../mime/types.js';
import { imapValueToBuffer, type ImapSerializeOptions, type ImapValue } from './imap-value.js';

/** One address: (name adl mailbox host); group start has host NIL, group end mailbox NIL too. */
export function addressValue(address: EnvelopeAddress): ImapValue {
  return [address.name, address.adl, address.mailbox, address.host];
}

/** An address list: NIL when there is none (an empty list "()" is not allowed by the grammar). */
export function addressListValue(list: readonly EnvelopeAddress[] | null): ImapValue {
  if (!list || list.length === 0) return null;
  // `"(" 1*address ")"`: addresses follow each other without a space.
  return [{ adjacent: list.map(addressValue) }];
}

export function envelopeValue(envelope: Envelope): ImapValue {
  return [
    envelope.date,
    envelope.subject,
    addressListValue(envelope.from),
    addressListValue(envelope.sender),
    addressListValue(envelope.replyTo),
    addressListValue(envelope.to),
    addressListValue(envelope.cc),
    addressListValue(envelope.bcc),
    envelope.inReplyTo,
    envelope.messageId,
  ];
}

/** The serialised ENVELOPE, e.g. for tests and for caching alongside the index. */
export function formatEnvelope(envelope: Envelope, options: ImapSerializeOptions): Buffer {
  return imapValueToBuffer(envelopeValue(envelope), options);
}
