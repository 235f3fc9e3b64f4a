// The MX's policy checks before DATA, in the order they run, from the config: rate limits
// (limits.ratePerIp), DNSWL/DNSBL (dnswl.zones, dnsbl.zones) at connect; HELO
// (inbound.heloPolicy) and reverse DNS (inbound.requireReverseDns) at MAIL FROM; greylisting
// (greylisting.enabled) at RCPT TO. An engine left out of the config is not consulted and costs
// nothing. Submission never gets these: its clients are authenticated users on any network.

import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import type { GreylistStore } from '../store/contracts.js';
import type { Check } from './contracts.js';
import { DnsListClient } from './dnsbl.js';
import { blockListZones, createDnsblCheck, type DnsblCheck } from './dnsbl-check.js';
import { createPolicyDnsResolver, type PolicyDnsResolver } from './dnsbl-resolver.js';
import { createGreylistCheck } from './greylist.js';
import { createHeloCheck } from './helo-check.js';
import { createRateLimitCheck } from './rate-limit-check.js';
import { createReverseDnsCheck } from './reverse-dns-check.js';

export interface MxPolicyDeps {
  logger: Logger;
  /** Opened only when greylisting is on. */
  greylistStore: () => GreylistStore;
  /** Our domains, so a foreign client claiming one in HELO is caught (the hostname always is). */
  ownDomains?: () => readonly string[];
  /** Tests bring their own; default: dns.servers, 2 s timeout. */
  resolver?: PolicyDnsResolver;
}

type PolicyConfig = Pick<Config, 'hostname' | 'limits' | 'dns' | 'inbound' | 'greylisting' | 'dnsbl' | 'dnswl'>;

export function createMxPolicyChecks(config: PolicyConfig, deps: MxPolicyDeps): Check[] {
  const logger = deps.logger.child({ component: 'policy' });
  const checks: Check[] = [];
  let resolver: PolicyDnsResolver | null = deps.resolver ?? null;
  const dns = () => (resolver ??= createPolicyDnsResolver({ servers: config.dns.servers, timeoutMs: 2000, tries: 1 }));

  const rate = config.limits.ratePerIp;
  if (rate.connectionsPerMinute !== null || rate.messagesPerMinute !== null) {
    checks.push(createRateLimitCheck({ connectionsPerMinute: rate.connectionsPerMinute, messagesPerMinute: rate.messagesPerMinute, passNetworks: rate.passNetworks, logger }));
  }

  let dnsLists: DnsblCheck | null = null;
  if (config.dnsbl.zones.length > 0 || config.dnswl.zones.length > 0) {
    dnsLists = createDnsblCheck({
      client: new DnsListClient({ resolver: dns(), timeoutMs: 3000 }),
      blockLists: blockListZones(config.dnsbl.zones),
      allowLists: config.dnswl.zones,
      logger,
    });
    checks.push(dnsLists);
  }

  if (config.inbound.heloPolicy !== 'off') {
    checks.push(createHeloCheck({ policy: config.inbound.heloPolicy, ownNames: () => [config.hostname, ...(deps.ownDomains?.() ?? [])], logger }));
  }
  if (config.inbound.requireReverseDns !== 'off') {
    checks.push(createReverseDnsCheck({ policy: config.inbound.requireReverseDns, resolver: dns(), logger }));
  }

  const grey = config.greylisting;
  if (grey.enabled) {
    const allowLists = dnsLists && config.dnswl.zones.length > 0 ? dnsLists : null;
    checks.push(createGreylistCheck({
      store: deps.greylistStore(),
      delaySeconds: grey.delaySeconds,
      passNetworks: grey.passNetworks,
      passSenders: grey.passSenders,
      passRecipients: grey.passRecipients,
      ...(allowLists ? { isAllowListed: (ip: string) => allowLists.isAllowListed(ip) } : {}),
      logger,
    }));
  }
  return checks;
}
