// The DNS function mailauth calls (`resolver(name, rrtype)`, shaped like dns.promises.resolve),
// built on the servers the config names (`dns.servers`), else the system's. Errors keep node's
// codes (ENOTFOUND, ENODATA), which mailauth maps to SPF/DKIM/DMARC none, permerror, temperror.

import { Resolver } from 'node:dns/promises';
import type { MailauthResolver } from 'mailauth';

export type { MailauthResolver } from 'mailauth';

export interface MailauthResolverOptions {
  /** `["ip:port"]`; empty or absent means the system's resolvers. */
  servers?: readonly string[];
  timeoutMs?: number;
  tries?: number;
}

export function createMailauthResolver(options: MailauthResolverOptions = {}): MailauthResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return (name, rrtype) => resolver.resolve(name, rrtype);
}
