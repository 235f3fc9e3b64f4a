// msg-id values as THREAD=REFERENCES reads them (RFC 5256 section 3, RFC 5322 3.6.4): every
// "<...>" token in Message-ID, In-Reply-To and References, with folding whitespace inside the
// brackets removed. Anything else in those fields (comments, phrases old mailers put in
// In-Reply-To) is ignored. Ids are compared exactly as written.

const MSG_ID = /<([^<>]*)>/g;

function normalise(inner: string): string | null {
  const id = inner.replace(/\s+/g, '');
  return id.length > 0 ? id : null;
}

/** Every msg-id in the field, in order. */
export function parseMessageIds(field: string | null): string[] {
  if (!field) return [];
  const ids: string[] = [];
  for (const m of field.matchAll(MSG_ID)) {
    const id = normalise(m[1]!);
    if (id !== null) ids.push(id);
  }
  return ids;
}

/** The first msg-id of the field, or null. */
export function firstMessageId(field: string | null): string | null {
  return parseMessageIds(field)[0] ?? null;
}

/**
 * The references a message's threading uses: its References ids, or when it has none, the
 * first In-Reply-To id (RFC 5256 step 1).
 */
export function threadReferences(references: string | null, inReplyTo: string | null): string[] {
  const refs = parseMessageIds(references);
  if (refs.length > 0) return refs;
  const parent = firstMessageId(inReplyTo);
  return parent === null ? [] : [parent];
}
