// The addresses a list answers to, and VERP. Pure.
//
// A list team@example.test also takes:
//   team-bounces+TAG@example.test    bounces (VERP: TAG names the member, with an HMAC)
//   team-subscribe@example.test      a request to join (confirmed by mail)
//   team-unsubscribe@example.test    a request to leave (confirmed by mail; List-Unsubscribe mailto)
//   team-confirm+TOKEN@example.test  the reply to a confirmation mail
//
// VERP tags are `MAC.LOCAL=DOMAIN` (the member's address, readable in a bounce's envelope) or,
// when that would make the local part longer than RFC 5321's 64 octets, `MAC.idN` (the member's
// row). MAC is an HMAC over the list and the member, so a forged bounce (someone who wants
// a member disabled) is not counted. Everything is lower case: MTAs may change an address's case.

import { createHmac, timingSafeEqual } from 'node:crypto';

export type ListRole = 'post' | 'bounces' | 'subscribe' | 'unsubscribe' | 'confirm';

export const LIST_ROLE_SUFFIXES = ['bounces', 'subscribe', 'unsubscribe', 'confirm'] as const;

export interface ListAddressMatch {
  /** The list's address this one belongs to (it may not exist: the caller looks it up). */
  list: string;
  role: ListRole;
  /** What followed "+" (bounces, confirm); null when nothing. */
  tag: string | null;
}

const MAX_LOCAL = 64;
const MAC_LEN = 10;

/**
 * The ways an RCPT address could belong to a list, most specific first: a list named
 * "x-bounces" wins over the bounce address of a list "x" (the caller takes the first that exists).
 */
export function listAddressCandidates(raw: string): ListAddressMatch[] {
  const text = raw.trim().toLowerCase();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return [];
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  const plus = local.indexOf('+');
  const base = plus >= 0 ? local.slice(0, plus) : local;
  const tag = plus >= 0 ? local.slice(plus + 1) : null;
  const out: ListAddressMatch[] = [];
  if (tag === null) out.push({ list: `${base}@${domain}`, role: 'post', tag: null });
  for (const suffix of LIST_ROLE_SUFFIXES) {
    if (!base.endsWith(`-${suffix}`) || base.length === suffix.length + 1) continue;
    // Bounces and confirmations carry a tag; requests do not.
    const tagged = suffix === 'bounces' || suffix === 'confirm';
    if (!tagged && tag !== null) continue;
    if (suffix === 'confirm' && !tag) continue;
    out.push({ list: `${base.slice(0, -(suffix.length + 1))}@${domain}`, role: suffix, tag });
  }
  return out;
}

export function roleAddress(list: string, role: Exclude<ListRole, 'post'>, tag?: string): string {
  const at = list.lastIndexOf('@');
  return `${list.slice(0, at)}-${role}${tag ? `+${tag}` : ''}${list.slice(at)}`;
}

function mac(key: Buffer, parts: readonly string[], length = MAC_LEN): string {
  return createHmac('sha256', key).update(parts.join('\0')).digest('hex').slice(0, length);
}

function sameMac(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The envelope sender of the copy for `member`: the list's bounce address with the member in it. */
export function verpAddress(key: Buffer, list: string, member: { id: number; address: string }): string {
  const address = member.address.toLowerCase();
  const at = address.lastIndexOf('@');
  const readable = `${mac(key, ['verp', list, address])}.${address.slice(0, at)}=${address.slice(at + 1)}`;
  const full = roleAddress(list, 'bounces', readable);
  if (full.lastIndexOf('@') <= MAX_LOCAL) return full;
  return roleAddress(list, 'bounces', `${mac(key, ['verp-id', list, String(member.id)])}.id${member.id}`);
}

export type VerpMember = { kind: 'address'; address: string } | { kind: 'id'; id: number };

/** The member a VERP tag names, or null when it is malformed or its MAC does not verify. */
export function decodeVerp(key: Buffer, list: string, tag: string): VerpMember | null {
  const t = tag.toLowerCase();
  const dot = t.indexOf('.');
  if (dot !== MAC_LEN) return null;
  const given = t.slice(0, dot);
  const rest = t.slice(dot + 1);
  const id = /^id([1-9]\d{0,15})$/.exec(rest);
  if (id) return sameMac(given, mac(key, ['verp-id', list, id[1]!])) ? { kind: 'id', id: Number(id[1]) } : null;
  const eq = rest.lastIndexOf('=');
  if (eq <= 0 || eq === rest.length - 1) return null;
  const address = `${rest.slice(0, eq)}@${rest.slice(eq + 1)}`;
  return sameMac(given, mac(key, ['verp', list, address])) ? { kind: 'address', address } : null;
}

/**
 * One-click unsubscribe (RFC 8058): the token carries the list and the member and an HMAC over
 * both, so the HTTPS endpoint validates it without a lookup and a guessed token removes nobody.
 * It does not expire: List-Unsubscribe must keep working in old messages.
 */
export function unsubscribeToken(key: Buffer, list: string, member: string): string {
  const payload = Buffer.from(`${list}\n${member.toLowerCase()}`, 'utf8').toString('base64url');
  return `${payload}.${mac(key, ['unsubscribe', list, member.toLowerCase()], 32)}`;
}

export function decodeUnsubscribeToken(key: Buffer, token: string): { list: string; member: string } | null {
  const m = /^([A-Za-z0-9_-]{4,1400})\.([0-9a-f]{32})$/.exec(token);
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64url').toString('utf8');
  const nl = text.indexOf('\n');
  if (nl <= 0) return null;
  const list = text.slice(0, nl);
  const member = text.slice(nl + 1);
  if (!list.includes('@') || !member.includes('@')) return null;
  return sameMac(m[2]!, mac(key, ['unsubscribe', list, member], 32)) ? { list, member } : null;
}

/** The token of a pending request (team-confirm+TOKEN@, or the confirmation page's URL). */
export function confirmToken(key: Buffer, pending: { id: number; list: string; address: string; action: string }): string {
  return `${pending.id}-${mac(key, ['confirm', String(pending.id), pending.list, pending.address, pending.action], 16)}`;
}

/** The pending request's id, if the token is well formed (its MAC is checked against the row). */
export function confirmTokenId(token: string): number | null {
  const m = /^([1-9]\d{0,15})-[0-9a-f]{16}$/.exec(token.toLowerCase());
  return m ? Number(m[1]) : null;
}

export function confirmTokenMatches(key: Buffer, token: string, pending: { id: number; list: string; address: string; action: string }): boolean {
  return sameMac(token.toLowerCase(), confirmToken(key, pending));
}
