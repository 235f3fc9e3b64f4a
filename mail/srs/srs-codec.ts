// The Sender Rewriting Scheme (SRS) as Shevek's libsrs2 writes it, so that a forwarded
// message's envelope sender belongs to our domain (SPF passes at the far end) and a bounce to
// that sender can be turned back into the original one. Pure: the clock and the key are given.
//
//   SRS0=HHHH=TT=domain=local@forwarder       first forwarding hop of local@domain
//   SRS1=HHHH=host1==HHHH=TT=domain=local@us  re-forwarding of an SRS0 address made by host1
//
// HHHH is an HMAC-SHA1 over the other fields, lower-cased (libsrs2 does the same: some MTAs
// lower-case local parts on the way), base64, cut to 4 characters and compared without regard
// to case; TT is the day (days since the epoch, mod 1024) in base32. An SRS1 address carries no
// time stamp of its own: the SRS0 part inside does, and its maker checks it when it comes back.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SrsOptions {
  /** The HMAC key. */
  key: Buffer;
  /** The domain our SRS addresses are written in (where bounces come back to). */
  domain: string;
  /** Days an SRS0 address stays valid (libsrs2's default: 21). */
  maxAgeDays: number;
  /** Characters of the hash kept (libsrs2's default: 4). */
  hashLength?: number;
}

export type SrsReverseFailure =
  /** Not an SRS address of ours: deliver it as any other address. */
  | 'not_srs'
  /** SRS0/SRS1 prefix but not the shape that follows it. */
  | 'malformed'
  /** The hash does not verify: forged, or made with another key. */
  | 'bad_hash'
  /** The time stamp is older than maxAgeDays (or unreadable). */
  | 'expired';

export type SrsReverseResult = { ok: true; address: string; kind: 'SRS0' | 'SRS1' } | { ok: false; reason: SrsReverseFailure };

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const TIME_SLOTS = 1024; // 2 base32 characters: 10 bits
const DAY_MS = 86_400_000;
const SRS_PREFIX = /^srs([01])([=+-])/i;

/** Today's 2-character time stamp. */
export function srsTimestamp(now: Date): string {
  const day = Math.floor(now.getTime() / DAY_MS) % TIME_SLOTS;
  return BASE32[day >> 5]! + BASE32[day & 31]!;
}

/** Whether a 2-character time stamp is at most maxAgeDays old (case-insensitive, wraps mod 1024). */
export function srsTimestampValid(stamp: string, now: Date, maxAgeDays: number): boolean {
  if (stamp.length !== 2) return false;
  const hi = BASE32.indexOf(stamp[0]!.toUpperCase());
  const lo = BASE32.indexOf(stamp[1]!.toUpperCase());
  if (hi < 0 || lo < 0) return false;
  const then = (hi << 5) | lo;
  let today = Math.floor(now.getTime() / DAY_MS) % TIME_SLOTS;
  // A stamp "in the future" is one from the previous cycle: very old, as libsrs2 counts it.
  while (today < then) today += TIME_SLOTS;
  return today - then <= maxAgeDays;
}

export function srsHash(key: Buffer, parts: readonly string[], length = 4): string {
  const hmac = createHmac('sha1', key);
  for (const part of parts) hmac.update(part.toLowerCase(), 'utf8');
  return hmac.digest('base64').slice(0, length);
}

function hashMatches(key: Buffer, parts: readonly string[], given: string, length: number): boolean {
  const expected = Buffer.from(srsHash(key, parts, length).toLowerCase(), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * The envelope sender to use when forwarding a message whose sender is `sender`: '' (the null
 * sender of bounces) stays '', an address of our SRS domain stays as it is, an SRS0 or SRS1
 * address of another forwarder becomes SRS1, anything else SRS0.
 */
export function srsForward(sender: string, options: SrsOptions, now: Date): string {
  if (sender === '') return '';
  const parts = splitAddress(sender);
  if (!parts) throw new RangeError(`not an address: ${sender}`);
  const length = options.hashLength ?? 4;
  const domain = options.domain.toLowerCase();
  if (parts.domain.toLowerCase() === domain) return sender;
  const prefix = SRS_PREFIX.exec(parts.local);
  if (prefix && prefix[1] === '1') {
    // SRS1=HHHH=host1==rest: keep host1 and rest, sign them again with our key.
    const inner = parseSrs1(parts.local.slice(5));
    if (inner) return `SRS1=${srsHash(options.key, [inner.host1, inner.rest], length)}=${inner.host1}=${inner.rest}@${domain}`;
  } else if (prefix) {
    // SRS0 of another forwarder: "SRS1=HHHH=thatforwarder==HHHH=TT=domain=local"; rest keeps
    // the separator that followed "SRS0".
    const rest = parts.local.slice(4);
    return `SRS1=${srsHash(options.key, [parts.domain, rest], length)}=${parts.domain}=${rest}@${domain}`;
  }
  const stamp = srsTimestamp(now);
  return `SRS0=${srsHash(options.key, [stamp, parts.domain, parts.local], length)}=${stamp}=${parts.domain}=${parts.local}@${domain}`;
}

/** Whether `address` is written in SRS form for our SRS domain (valid or not). */
export function isOurSrsAddress(address: string, options: Pick<SrsOptions, 'domain'>): boolean {
  const parts = splitAddress(address);
  return parts !== null && parts.domain.toLowerCase() === options.domain.toLowerCase() && SRS_PREFIX.test(parts.local);
}

/**
 * Where a message to one of our SRS addresses goes back to: SRS0 gives the original sender
 * (after checking hash and age), SRS1 the SRS0 address of the forwarder before us (its maker
 * checks the age).
 */
export function srsReverse(address: string, options: SrsOptions, now: Date): SrsReverseResult {
  if (!isOurSrsAddress(address, options)) return { ok: false, reason: 'not_srs' };
  const length = options.hashLength ?? 4;
  const { local } = splitAddress(address)!;
  const kind = local[3] === '1' ? 'SRS1' : 'SRS0';
  const body = local.slice(5);
  if (kind === 'SRS0') {
    // HHHH=TT=domain=local; the original local part may itself hold '='.
    const m = /^([^=]+)=([^=]+)=([^=]+)=(.+)$/.exec(body);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, hash, stamp, domain, user] = m as unknown as [string, string, string, string, string];
    if (!hashMatches(options.key, [stamp, domain, user], hash, length)) return { ok: false, reason: 'bad_hash' };
    if (!srsTimestampValid(stamp, now, options.maxAgeDays)) return { ok: false, reason: 'expired' };
    return { ok: true, kind, address: `${user}@${domain}` };
  }
  const inner = parseSrs1(body);
  if (!inner) return { ok: false, reason: 'malformed' };
  if (!hashMatches(options.key, [inner.host1, inner.rest], inner.hash, length)) return { ok: false, reason: 'bad_hash' };
  return { ok: true, kind, address: `SRS0${inner.rest}@${inner.host1}` };
}

/** "HHHH=host1==HHHH=TT=domain=local" -> hash, host1 and the rest after "SRS0" (separator first). */
function parseSrs1(body: string): { hash: string; host1: string; rest: string } | null {
  const m = /^([^=]+)=([^=]+)=([=+-].+)$/.exec(body);
  return m ? { hash: m[1]!, host1: m[2]!, rest: m[3]! } : null;
}
