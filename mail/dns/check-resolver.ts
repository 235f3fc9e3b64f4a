// The resolver the DNS record check asks: node's, through config dns.servers when set (the
// servers the mail daemon resolves with), else the system's. Short timeouts: an admin is waiting.

import { Resolver } from 'node:dns/promises';
import type { CheckResolver } from './dns-check.js';

export function createCheckResolver(servers: readonly string[]): CheckResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return resolver;
}
