// DNS lists (RFC 5782): a client address is listed on a zone when <reversed address>.<zone> has
// an A record in 127.0.0.0/8. IPv4 reverses its octets (192.0.2.99 -> 99.2.0.192.zone), IPv6 its
// 32 nibbles. Answers are cached briefly (`cacheMs`) so a client opening many connections costs
// one query per zone. 127.255.255.x answers are the list's own errors (Spamhaus: "queried through
// a public resolver", "over quota"): reported as failures, never as listings.

import { addressBytes } from './greylist-network.js';
import { isNoAnswer, type PolicyDnsResolver } from './dnsbl-resolver.js';

export type DnsListAnswer =
  | { status: 'listed'; answer: string }
  | { status: 'clear' }
  | { status: 'error'; error: string };

export interface DnsListClientOptions {
  resolver: PolicyDnsResolver;
  cacheMs?: number;
  /** A query still unanswered after this long counts as an error. */
  timeoutMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/** The query name of `ip` in `zone`, or null when `ip` is not an address. */
export function dnsListQueryName(ip: string, zone: string): string | null {
  const b = addressBytes(ip);
  if (!b) return null;
  const z = zone.replace(/^\.+|\.+$/g, '');
  if (b.length === 4) return `${[...b].reverse().join('.')}.${z}`;
  const nibbles: string[] = [];
  for (const byte of b) nibbles.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return `${nibbles.reverse().join('.')}.${z}`;
}

export class DnsListClient {
  private readonly cache = new Map<string, { answer: DnsListAnswer; until: number }>();
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: DnsListClientOptions) {
    this.now = options.now ?? Date.now;
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  async lookup(ip: string, zone: string): Promise<DnsListAnswer> {
    const name = dnsListQueryName(ip, zone);
    if (!name) return { status: 'error', error: `not an IP address: ${ip}` };
    const cached = this.cache.get(name);
    if (cached && cached.until > this.now()) return cached.answer;
    const answer = await this.query(name);
    // Errors are not cached: the next connection asks again.
    if (answer.status !== 'error') {
      this.cache.delete(name);
      this.cache.set(name, { answer, until: this.now() + this.cacheMs });
      if (this.cache.size > this.maxEntries) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return answer;
  }

  private async query(name: string): Promise<DnsListAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Not unref'd: it is always cleared below, and the session waits on it anyway.
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), this.options.timeoutMs ?? 3000);
    });
    try {
      const addresses = await Promise.race([this.options.resolver.resolve4(name), timeout]);
      const listed = addresses.filter((a) => a.startsWith('127.'));
      const real = listed.filter((a) => !a.startsWith('127.255.255.'));
      if (real.length > 0) return { status: 'listed', answer: real.sort()[0]! };
      if (listed.length > 0) return { status: 'error', error: `the list refused the query (${listed[0]})` };
      return { status: 'clear' };
    } catch (err) {
      if (isNoAnswer(err)) return { status: 'clear' };
      return { status: 'error', error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
