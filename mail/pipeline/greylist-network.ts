// Client networks as the inbound policy sees them: the block a greylist triplet names (an IPv4
// /24, an IPv6 /64: big senders retry from another host of the same farm, and a /64 is what one
// subscriber usually holds) and pass-lists of CIDRs (greylisting, rate limits). Pure functions.

import net from 'node:net';

/** The address as bytes (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6); null if not an address. */
export function addressBytes(input: string): Uint8Array | null {
  const ip = input.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return addressBytes(mapped[1]!);
  let text = ip;
  // A trailing dotted quad ("64:ff9b::1.2.3.4") is the last 32 bits.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const b = addressBytes(quad[1]!)!;
    text = text.slice(0, -quad[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string?];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  return out;
}

/** The canonical text of an address (IPv4-mapped IPv6 as IPv4, IPv6 lower-case and compressed). */
export function canonicalAddress(input: string): string {
  const b = addressBytes(input);
  if (!b) return input.trim().toLowerCase();
  if (b.length === 4) return b.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1; let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i; while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** The greylisting network of a client: "192.0.2.0/24" or "2001:db8:1:2::/64". */
export function clientNetwork(ip: string): string {
  const b = addressBytes(ip);
  if (!b) return ip.trim().toLowerCase();
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.0/24`;
  const masked = new Uint8Array(16);
  masked.set(b.subarray(0, 8));
  return `${canonicalAddress(bytesToIPv6(masked))}/64`;
}

function bytesToIPv6(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

export function isLoopbackAddress(ip: string): boolean {
  const b = addressBytes(ip);
  if (!b) return false;
  if (b.length === 4) return b[0] === 127;
  return b.every((v, i) => (i === 15 ? v === 1 : v === 0));
}

interface Network { bytes: Uint8Array; prefix: number }

/** A list of networks ("192.0.2.0/24", "2001:db8::/32", or single addresses) to match clients against. */
export class NetworkList {
  private readonly networks: Network[];

  constructor(cidrs: readonly string[]) {
    this.networks = cidrs.map((c) => {
      const [addr = '', len] = c.split('/');
      const bytes = addressBytes(addr);
      if (!bytes) throw new Error(`not an IP network: ${c}`);
      let prefix = len === undefined ? bytes.length * 8 : Number(len);
      // "::ffff:10.0.0.0/104" names IPv4 space; addressBytes gave its 4 bytes.
      if (bytes.length === 4 && addr.includes(':') && len !== undefined) prefix = Math.max(0, prefix - 96);
      return { bytes, prefix };
    });
  }

  get size(): number {
    return this.networks.length;
  }

  has(ip: string): boolean {
    const b = addressBytes(ip);
    if (!b) return false;
    return this.networks.some((n) => n.bytes.length === b.length && prefixEqual(n.bytes, b, n.prefix));
  }
}

function prefixEqual(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  const full = Math.floor(prefix / 8);
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full]! ^ b[full]!) & mask) === 0;
}

/** What per-client limits count: the IPv4 address, or the /64 of an IPv6 one. */
export function clientKey(ip: string): string {
  const b = addressBytes(ip);
  if (!b) return ip.trim().toLowerCase();
  return b.length === 4 ? b.join('.') : clientNetwork(ip);
}
