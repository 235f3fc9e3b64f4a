// The DNS queries of the connect-time checks (DNSBL/DNSWL, reverse DNS), through `dns.servers`
// when configured, else the system resolver. Short timeouts: these run before the greeting or
// the MAIL reply, and a slow list must not hold every session up.

import { Resolver } from 'node:dns/promises';

export interface PolicyDnsResolver {
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  /** PTR names of an address. */
  reverse(ip: string): Promise<string[]>;
}

export interface PolicyDnsResolverOptions {
  servers?: readonly string[];
  timeoutMs?: number;
  tries?: number;
}

export function createPolicyDnsResolver(options: PolicyDnsResolverOptions = {}): PolicyDnsResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 1 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return {
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
    reverse: (ip) => resolver.reverse(ip),
  };
}

/** The name does not exist or has no such record: an answer, not a failure. */
export function isNoAnswer(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOTFOUND' || code === 'ENODATA';
}
