// The DNS queries the queue makes, as an interface so tests and the composition root choose the
// servers: `dns.servers` from the config when set, else the system resolver. Answers go through
// a DnsCache (dns-cache.ts) unless `cache: false`: every delivery attempt resolves its domain.

import { Resolver } from 'node:dns/promises';
import { DnsCache, type DnsCacheOptions, type TtlAnswer } from './dns-cache.js';

export { isNoData, isNxDomain } from './dns-errors.js';

export interface DnsLookup {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

export interface DnsLookupOptions {
  /** `["ip:port"]` or `["[v6]:port"]`; empty means the system's resolvers. */
  servers?: readonly string[];
  /** Per-query timeout; node retries `tries` times. */
  timeoutMs?: number;
  tries?: number;
  /** The answer cache's settings, a cache to share, or false for none. Default: a cache of its own. */
  cache?: DnsCacheOptions | DnsCache | false;
}

export function createDnsLookup(options: DnsLookupOptions = {}): DnsLookup {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  const withTtl = (records: { address: string; ttl: number }[]): TtlAnswer<string[]> => ({
    value: records.map((r) => r.address),
    ttlSeconds: records.length > 0 ? Math.min(...records.map((r) => r.ttl)) : null,
  });
  // MX and TXT: node's resolver does not give their TTL (null: the cache's unknownTtlSeconds).
  const source = {
    resolveMx: async (name: string) => ({ value: await resolver.resolveMx(name), ttlSeconds: null }),
    resolve4: async (name: string) => withTtl(await resolver.resolve4(name, { ttl: true })),
    resolve6: async (name: string) => withTtl(await resolver.resolve6(name, { ttl: true })),
    resolveTxt: async (name: string) => ({ value: await resolver.resolveTxt(name), ttlSeconds: null }),
  };
  if (options.cache === false) {
    return {
      resolveMx: async (name) => (await source.resolveMx(name)).value,
      resolve4: async (name) => (await source.resolve4(name)).value,
      resolve6: async (name) => (await source.resolve6(name)).value,
      resolveTxt: async (name) => (await source.resolveTxt(name)).value,
    };
  }
  const cache = options.cache instanceof DnsCache ? options.cache : new DnsCache(options.cache ?? {});
  // Names are case-insensitive; the key ignores a trailing dot too.
  const key = (type: string, name: string) => `${type} ${name.toLowerCase().replace(/\.$/, '')}`;
  // Callers get their own array: a cached answer must not change under the next one.
  return {
    resolveMx: async (name) => (await cache.get(key('MX', name), () => source.resolveMx(name))).map((r) => ({ ...r })),
    resolve4: async (name) => [...await cache.get(key('A', name), () => source.resolve4(name))],
    resolve6: async (name) => [...await cache.get(key('AAAA', name), () => source.resolve6(name))],
    resolveTxt: async (name) => (await cache.get(key('TXT', name), () => source.resolveTxt(name))).map((r) => [...r]),
  };
}
