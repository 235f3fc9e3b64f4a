// What the store keeps of each message's structure, computed once at delivery by the MIME
// indexer so that IMAP FETCH, SEARCH and SORT never parse the message again.
// Offsets are byte offsets into the raw message as stored.

/** An RFC 5322 address as IMAP's ENVELOPE represents it (RFC 9051 section 7.5.2). */
export interface EnvelopeAddress {
  name: string | null; // raw (may hold encoded-words), as IMAP sends it
  adl: string | null;
  mailbox: string | null; // null with host null marks the end of a group
  host: string | null; // null marks the start of a group (mailbox = group name)
}

/** IMAP ENVELOPE fields, raw header values (unfolded, encoded-words kept). */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export interface BodyPart {
  /** IMAP part specifier: "" for the whole message, "1", "1.2", ... */
  partId: string;
  type: string; // lower-case, e.g. "text"
  subtype: string; // lower-case, e.g. "plain"
  params: Record<string, string>; // content-type parameters, names lower-case, values decoded (RFC 2231)
  id: string | null; // Content-ID
  description: string | null;
  encoding: string; // Content-Transfer-Encoding, lower-case; "7bit" when absent
  md5: string | null;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  /** Byte offsets: [headerStart, bodyStart) is the header block (with its blank line), [bodyStart, bodyEnd) the body. */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Lines in the body (text/* and message/rfc822). */
  lines: number;
  /** Children of a multipart. */
  parts?: BodyPart[];
  /** For message/rfc822: the enclosed message's envelope and structure. */
  message?: { envelope: Envelope; body: BodyPart };
}

export interface HeaderField {
  name: string; // as written, e.g. "Subject"
  value: string; // raw, unfolded, without the name and colon
}

export interface MessageIndex {
  size: number;
  lines: number;
  headers: HeaderField[]; // top-level header fields, in order
  envelope: Envelope;
  body: BodyPart;
  /** Decoded text for full-text search (subject, addresses, text parts), capped in length. */
  searchText: string;
  /** Decoded for display and sorting. */
  subject: string | null;
  from: string | null;
  date: Date | null;
  messageId: string | null;
}
