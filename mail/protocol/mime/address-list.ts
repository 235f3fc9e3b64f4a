// RFC 5322 address lists as IMAP ENVELOPE wants them (RFC 9051 section 7.5.2): each mailbox as
// name/adl/mailbox/host, and groups as a start marker (host null, mailbox = group name), the
// members, then an end marker (mailbox and host null). Names keep their encoded-words (IMAP sends
// them raw); quotes and escapes are removed. Real-world headers are often broken, so the parser
// never throws: it takes what it can recognise and skips the rest.

import type { EnvelopeAddress } from './types.js';

// What Dovecot and others send for a mailbox without a local part or a domain, so that clients
// never mistake a broken address for a group marker (which is what a NIL host means).
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'special'; text: string }
  | { kind: 'comment'; text: string };

const SPECIALS = new Set(['<', '>', '@', ',', ':', ';', '.']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { i++; continue; }
    if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'word', text, quoted: true });
      continue;
    }
    if (c === '(') {
      let depth = 1;
      let text = '';
      i++;
      while (i < input.length && depth > 0) {
        const d = input[i]!;
        if (d === '\\' && i + 1 < input.length) { text += input[i + 1]; i += 2; continue; }
        if (d === '(') depth++;
        if (d === ')') depth--;
        if (depth > 0) text += d;
        i++;
      }
      tokens.push({ kind: 'comment', text: text.trim() });
      continue;
    }
    if (c === '[') {
      const end = input.indexOf(']', i);
      const stop = end === -1 ? input.length : end + 1;
      tokens.push({ kind: 'word', text: input.slice(i, stop), quoted: false });
      i = stop;
      continue;
    }
    if (SPECIALS.has(c)) { tokens.push({ kind: 'special', text: c }); i++; continue; }
    let text = '';
    while (i < input.length && !/[\s"(),.:;<>@[\]]/.test(input[i]!)) text += input[i++];
    if (text === '') { i++; continue; } // a stray ")" or "]"
    tokens.push({ kind: 'word', text, quoted: false });
  }
  return tokens;
}

/** A phrase (display name): words joined by one space, dots glued to the word before them. */
function phraseText(tokens: Token[]): string | null {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (t.text === '.' && t.kind === 'special') { out += '.'; continue; }
    out += (out ? ' ' : '') + t.text;
  }
  return out === '' ? null : out;
}

/** `local@domain` tokens: local part and domain glued without spaces. */
function addrSpec(tokens: Token[]): { mailbox: string; host: string } {
  const words = tokens.filter((t) => t.kind !== 'comment');
  let at = -1;
  for (let k = words.length - 1; k >= 0; k--) if (words[k]!.kind === 'special' && words[k]!.text === '@') { at = k; break; }
  const join = (ts: Token[]): string => ts.map((t) => t.text).join('');
  const local = join(at === -1 ? words : words.slice(0, at));
  const host = at === -1 ? '' : join(words.slice(at + 1));
  return { mailbox: local || MISSING_MAILBOX, host: host || MISSING_DOMAIN };
}

function lastComment(tokens: Token[]): string | null {
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind === 'comment' && t.text) return t.text;
  }
  return null;
}

/** Parses an address-list header value; null when it holds no address at all. */
export function parseAddressList(input: string | null): EnvelopeAddress[] | null {
  if (input === null) return null;
  const tokens = tokenize(input);
  const out: EnvelopeAddress[] = [];
  let pending: Token[] = [];
  let angle: { name: string | null; adl: string | null; mailbox: string; host: string } | null = null;
  let inGroup = false;

  const finishMailbox = (): void => {
    if (angle) {
      out.push({ name: angle.name, adl: angle.adl, mailbox: angle.mailbox, host: angle.host });
    } else if (pending.some((t) => t.kind !== 'comment')) {
      // A bare addr-spec; the old "user@host (Full Name)" form gives its comment as the name.
      const spec = addrSpec(pending);
      out.push({ name: lastComment(pending), adl: null, mailbox: spec.mailbox, host: spec.host });
    }
    pending = [];
    angle = null;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'special' && t.text === '<') {
      let close = i + 1;
      while (close < tokens.length && !(tokens[close]!.kind === 'special' && tokens[close]!.text === '>')) close++;
      let inner = tokens.slice(i + 1, close).filter((x) => x.kind !== 'comment');
      let adl: string | null = null;
      const colon = inner.findIndex((x) => x.kind === 'special' && x.text === ':');
      if (colon > 0 && inner[0]!.kind === 'special' && inner[0]!.text === '@') {
        adl = inner.slice(0, colon).map((x) => x.text).join('');
        inner = inner.slice(colon + 1);
      }
      if (inner.length === 0) {
        // "<>" is the null reverse-path; it names no mailbox.
        pending = [];
        i = close;
        continue;
      }
      const spec = addrSpec(inner);
      angle = { name: phraseText(pending), adl, mailbox: spec.mailbox, host: spec.host };
      pending = [];
      i = close;
      continue;
    }
    if (t.kind === 'special' && t.text === ':' && !inGroup && !angle && !pending.some((x) => x.kind === 'special' && x.text === '@')) {
      out.push({ name: null, adl: null, mailbox: phraseText(pending) ?? '', host: null });
      pending = [];
      inGroup = true;
      continue;
    }
    if (t.kind === 'special' && t.text === ';' && inGroup) {
      finishMailbox();
      out.push({ name: null, adl: null, mailbox: null, host: null });
      inGroup = false;
      continue;
    }
    if (t.kind === 'special' && t.text === ',') {
      finishMailbox();
      continue;
    }
    if (angle) continue; // junk after "<...>" before the next comma
    pending.push(t);
  }
  finishMailbox();
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out.length > 0 ? out : null;
}
