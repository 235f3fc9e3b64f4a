// The header section of a list copy, made from the post's own. Pure.
//
// - List-Id (RFC 2919), List-Post, List-Unsubscribe with the member's one-click URL and the
//   mailto request address, List-Unsubscribe-Post (RFC 8058), Precedence: list. Any such fields
//   the post brought (a post from another list) are replaced, Return-Path is dropped (the final
//   MTA writes its own).
// - The subject prefix goes in front once: a reply ("Re: [team] x") already has it.
// - DMARC: when the author's domain publishes p=reject or p=quarantine, our copy would fail
//   DMARC at the members' servers (the author's DKIM signature breaks on the changed Subject and
//   headers, SPF is ours), so From becomes "Author via Team <team@...>" and Reply-To the author.
//   The copy is signed by the list's domain, which then aligns.
//
// Bytes are handled as latin1 so that 8-bit header bytes pass through unchanged.

export interface HeaderField {
  /** Lower-case name. */
  name: string;
  /** The whole field with its continuation lines and the final CRLF. */
  raw: string;
}

const REPLACED = new Set([
  'return-path', 'list-id', 'list-post', 'list-unsubscribe', 'list-unsubscribe-post', 'list-help', 'list-subscribe',
  'list-owner', 'list-archive', 'precedence',
]);

/** The fields of a header section (without the empty line that ends it). */
export function parseHeaderFields(section: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = section.split(/(?<=\r\n)/);
  for (const line of lines) {
    if (line === '' || line === '\r\n') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1]!.raw += line;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    fields.push({ name, raw: line.endsWith('\r\n') ? line : line + '\r\n' });
  }
  return fields;
}

/** The unfolded value of a field. */
export function fieldValue(field: HeaderField): string {
  const colon = field.raw.indexOf(':');
  return field.raw.slice(colon + 1).replace(/\r\n(?=[ \t])/g, '').replace(/\r\n$/, '').trim();
}

export function firstValue(fields: readonly HeaderField[], name: string): string | null {
  const f = fields.find((x) => x.name === name);
  return f ? fieldValue(f) : null;
}

export interface Mailbox {
  /** Display name as written (may hold encoded words), unquoted; '' when none. */
  name: string;
  address: string;
}

/** The first mailbox of an address header value ("Ann <ann@x>", "ann@x (Ann)", "ann@x"). */
export function parseMailbox(value: string): Mailbox | null {
  const angle = /^(.*?)<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(value);
  if (angle) {
    let name = angle[1]!.trim();
    if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
    return { name, address: angle[2]!.toLowerCase() };
  }
  const bare = /^\s*([^\s<>(),;:"]+@[^\s<>(),;:"]+)\s*(?:\((.*)\))?/.exec(value);
  if (bare) return { name: (bare[2] ?? '').trim(), address: bare[1]!.toLowerCase() };
  return null;
}

/** "[team]" is in the subject already (a reply, or a post from another copy). */
export function hasPrefix(subject: string, prefix: string): boolean {
  return subject.toLowerCase().includes(prefix.toLowerCase());
}

function quote(text: string): string {
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/** The display name of a rewritten From: "Ann via Team" (encoded words kept as words). */
export function viaDisplayName(author: Mailbox, listName: string): string {
  const who = author.name || author.address.slice(0, author.address.lastIndexOf('@'));
  if (/=\?[^?]+\?[bqBQ]\?[^?]*\?=/.test(who)) return `${who} ${quote(`via ${listName}`)}`;
  return quote(`${who} via ${listName}`);
}

export interface ListCopyOptions {
  list: { address: string; name: string; subjectPrefix: string | null };
  /** https://HOST/api/v1/lists/unsubscribe/TOKEN; null: only the mailto. */
  unsubscribeUrl: string | null;
  /** team-unsubscribe@example.test */
  unsubscribeMailto: string;
  /** Rewrite From to the list (the author's domain has a strict DMARC policy). */
  rewriteFrom: boolean;
}

/** The header section (ending in CRLF, without the empty line) of one member's copy. */
export function listCopyHeader(fields: readonly HeaderField[], options: ListCopyOptions): string {
  const { list } = options;
  const out: string[] = [];
  let sawSubject = false;
  const fromField = fields.find((f) => f.name === 'from');
  const author = fromField ? parseMailbox(fieldValue(fromField)) : null;
  const rewrite = options.rewriteFrom && author !== null;
  const hasReplyTo = fields.some((f) => f.name === 'reply-to');
  for (const f of fields) {
    if (REPLACED.has(f.name)) continue;
    if (f.name === 'subject' && !sawSubject) {
      sawSubject = true;
      const value = fieldValue(f);
      if (list.subjectPrefix && !hasPrefix(value, list.subjectPrefix)) {
        out.push(`Subject: ${list.subjectPrefix} ${value}\r\n`);
        continue;
      }
    }
    if (f.name === 'from' && rewrite) {
      out.push(`From: ${viaDisplayName(author, list.name)} <${list.address}>\r\n`);
      // The author stays reachable by a plain reply; a Reply-To the author set wins.
      if (!hasReplyTo) out.push(`Reply-To: ${fromField ? fieldValue(fromField) : author.address}\r\n`);
      out.push(`X-Original-From: ${fieldValue(f)}\r\n`);
      continue;
    }
    out.push(f.raw);
  }
  if (!sawSubject && list.subjectPrefix) out.push(`Subject: ${list.subjectPrefix}\r\n`);
  const at = list.address.lastIndexOf('@');
  const listId = `${list.address.slice(0, at)}.${list.address.slice(at + 1)}`;
  out.push(`List-Id: ${quote(list.name)} <${listId}>\r\n`);
  out.push(`List-Post: <mailto:${list.address}>\r\n`);
  const unsubscribe = [...(options.unsubscribeUrl ? [`<${options.unsubscribeUrl}>`] : []), `<mailto:${options.unsubscribeMailto}>`];
  out.push(`List-Unsubscribe: ${unsubscribe.join(',\r\n ')}\r\n`);
  // RFC 8058 one-click needs the HTTPS URI (and our DKIM signature covering both fields).
  if (options.unsubscribeUrl) out.push('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  out.push('Precedence: list\r\n');
  return out.join('');
}
