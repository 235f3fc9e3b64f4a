// A bounded, TTL-respecting cache in front of the queue's DNS lookups (MX, A, AAAA, and the TXT
// of MTA-STS). Every attempt resolves its domain again (MX, both address families, the
// `_mta-sts` record), so without it a busy queue asks the same four questions for every message.
//
// - Answers live as long as their TTL says, clipped to `maxTtlSeconds`; a TTL of 0 is not cached.
//   Node's resolver tells the TTL of A and AAAA answers but not of MX and TXT: those are kept
//   `unknownTtlSeconds` (short, so a changed MX is seen within a minute).
// - Negative answers (NXDOMAIN, NODATA) are cached too, for `negativeTtlSeconds` (RFC 2308; the
//   SOA minimum that should set it is not exposed either). They are thrown again as they came.
// - Resolver failures (timeout, SERVFAIL, refused) are never cached: the next attempt asks again.
// - Concurrent misses for one question share one query.
// - At most `maxEntries` answers; the least recently used goes first.

import { isNoData, isNxDomain } from './dns-errors.js';

export interface DnsCacheOptions {
  maxEntries?: number;
  maxTtlSeconds?: number;
  negativeTtlSeconds?: number;
  unknownTtlSeconds?: number;
  now?: () => number;
}

/** An answer and its TTL in seconds; null when the resolver does not say. */
export interface TtlAnswer<T> {
  value: T;
  ttlSeconds: number | null;
}

export const DEFAULT_DNS_CACHE: Required<Omit<DnsCacheOptions, 'now'>> = {
  maxEntries: 10_000,
  maxTtlSeconds: 3600,
  negativeTtlSeconds: 60,
  unknownTtlSeconds: 60,
};

type Entry = { kind: 'value'; value: unknown; expiresAt: number } | { kind: 'negative'; error: unknown; expiresAt: number };

export class DnsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly opts: Required<Omit<DnsCacheOptions, 'now'>>;
  private readonly now: () => number;
  /** Tests and the bench read these. */
  readonly stats = { hits: 0, negativeHits: 0, misses: 0, evictions: 0 };

  constructor(options: DnsCacheOptions = {}) {
    const { now, ...rest } = options;
    this.opts = { ...DEFAULT_DNS_CACHE, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    this.now = now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached answer to `key`, or `fetch`'s (stored per its TTL). */
  async get<T>(key: string, fetch: () => Promise<TtlAnswer<T>>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.expiresAt > this.now()) {
        // Refresh its place in the LRU order.
        this.entries.delete(key);
        this.entries.set(key, entry);
        if (entry.kind === 'value') { this.stats.hits++; return entry.value as T; }
        this.stats.negativeHits++;
        throw entry.error;
      }
      this.entries.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    this.stats.misses++;
    const query = this.query(key, fetch).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, query);
    return query;
  }

  clear(): void {
    this.entries.clear();
  }

  private async query<T>(key: string, fetch: () => Promise<TtlAnswer<T>>): Promise<T> {
    let answer: TtlAnswer<T>;
    try {
      answer = await fetch();
    } catch (err) {
      if (isNxDomain(err) || isNoData(err)) this.store(key, { kind: 'negative', error: err, expiresAt: 0 }, this.opts.negativeTtlSeconds);
      throw err;
    }
    this.store(key, { kind: 'value', value: answer.value, expiresAt: 0 }, answer.ttlSeconds ?? this.opts.unknownTtlSeconds);
    return answer.value;
  }

  private store(key: string, entry: Entry, ttlSeconds: number): void {
    const ttl = Math.min(Math.max(0, ttlSeconds), this.opts.maxTtlSeconds);
    if (ttl <= 0 || this.opts.maxEntries <= 0) return;
    entry.expiresAt = this.now() + ttl * 1000;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.opts.maxEntries) {
      // Map iteration is insertion order, and hits re-insert: the first key is the least recently used.
      this.entries.delete(this.entries.keys().next().value!);
      this.stats.evictions++;
    }
  }
}
