// The DNS queries the queue makes, as an interface so tests and the composition root choose the
// servers: `dns.servers` from the config when set, else the system resolver.

import { Resolver } from 'node:dns/promises';

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
}

export function createDnsLookup(options: DnsLookupOptions = {}): DnsLookup {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return {
    resolveMx: (name) => resolver.resolveMx(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
    resolveTxt: (name) => resolver.resolveTxt(name),
  };
}

/** The name does not exist (NXDOMAIN). */
export function isNxDomain(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOTFOUND';
}

/** The name exists but has no record of the asked type. */
export function isNoData(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENODATA';
}
