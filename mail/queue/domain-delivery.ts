// Delivers one message to the recipients of one domain: find the hosts (MX or the smarthost),
// apply MTA-STS, and try host after host, address after address, until one holds a transaction.
// Returns one outcome per recipient; never throws for a delivery problem.

import type { ConnectionOptions } from 'node:tls';
import type { Readable } from 'node:stream';
import { isIP } from 'node:net';
import type { DnsLookup } from './dns-lookup.js';
import { MxResolutionError, resolveHostAddresses, resolveMxRoute } from './mx-resolver.js';
import { tlsRequirementFor, type MtaStsPolicy } from './mta-sts.js';
import type { SmtpConnectionCache } from './smtp-connection-cache.js';
import { deliverToHost, type HostDeliveryRequest, type HostDeliveryResult, type TlsMode } from './smtp-delivery.js';
import { localOutcome, type RecipientOutcome } from './smtp-reply.js';

export interface RelayConfig {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Default `required-verified`: credentials and all mail go through it. */
  tls?: TlsMode;
}

/** The config's `outbound.relay.tls` setting, as the session's TLS mode. */
export type RelayTlsSetting = 'verified' | 'required' | 'opportunistic' | 'none';

export function relayTlsMode(setting: RelayTlsSetting): TlsMode {
  switch (setting) {
    case 'verified': return 'required-verified';
    case 'required': return 'required-any';
    case 'opportunistic': return 'opportunistic';
    case 'none': return 'none';
  }
}

/** The key the queue's per-destination limit uses for mail through `relay`. */
export function relayDestination(relay: Pick<RelayConfig, 'host' | 'port'>): string {
  return `relay:${relay.host}:${relay.port}`;
}

/** Fetches a domain's MTA-STS policy; null when it has none or it cannot be had (RFC 8461 §5). */
export type MtaStsSource = (domain: string) => Promise<MtaStsPolicy | null>;

export interface DomainDeliveryOptions {
  dns: DnsLookup;
  heloName: string;
  /** The SMTP port of MX hosts: 25, except in tests. */
  mxPort?: number;
  relay?: RelayConfig | null;
  mtaSts?: MtaStsSource;
  tlsOptions?: ConnectionOptions;
  timeouts?: HostDeliveryRequest['timeouts'];
  random?: () => number;
  /** Addresses tried per attempt, over all hosts (Postfix: smtp_mx_address_limit = 5). */
  maxAddresses?: number;
  /**
   * Sessions kept open between messages (reused only for the same destination, host, TLS mode and
   * credentials). Without it every attempt opens and QUITs its own session.
   */
  connections?: SmtpConnectionCache;
  /** The session itself; tests replace it. */
  deliverToHost?: (req: HostDeliveryRequest) => Promise<HostDeliveryResult>;
}

export interface MessageForDelivery {
  from: string;
  recipients: string[];
  size: number;
  openBody: () => Readable;
}

interface Target { address: string; hostName: string; port: number; tls: TlsMode; implicitTls: boolean; auth?: { user: string; pass: string } }

export async function deliverToDomain(domain: string, message: MessageForDelivery, options: DomainDeliveryOptions): Promise<Map<string, RecipientOutcome>> {
  let targets: Target[];
  let refusedByPolicy = false;
  try {
    ({ targets, refusedByPolicy } = options.relay ? await relayTargets(options.relay, options.dns) : await mxTargets(domain, options));
  } catch (err) {
    if (!(err instanceof MxResolutionError)) throw err;
    return allRecipients(message.recipients, localOutcome(err.permanent ? 'permanent' : 'temporary', err.status, err.message));
  }
  if (targets.length === 0) {
    return allRecipients(message.recipients, refusedByPolicy
      ? localOutcome('temporary', '4.7.5', `no MX host of ${domain} matches its MTA-STS policy`)
      : localOutcome('temporary', '4.4.4', `no usable mail host for ${domain}`));
  }
  const destination = options.relay ? relayDestination(options.relay) : domain;
  const cache = options.connections;
  const attempt = options.deliverToHost ?? (cache ? (req: HostDeliveryRequest) => cache.deliver({ ...req, destination }) : deliverToHost);
  let last: RecipientOutcome | null = null;
  for (const t of targets.slice(0, options.maxAddresses ?? 5)) {
    const result = await attempt({
      address: t.address, port: t.port, hostName: t.hostName, heloName: options.heloName, tls: t.tls, implicitTls: t.implicitTls,
      ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}), ...(t.auth ? { auth: t.auth } : {}), ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      from: message.from, recipients: message.recipients, size: message.size, openBody: message.openBody,
    });
    if (result.kind === 'transaction') return result.outcomes;
    last = result.outcome;
  }
  // No host held a transaction: whatever they said, another host or a later try may do better.
  return allRecipients(message.recipients, { ...last!, kind: 'temporary', status: last!.status.replace(/^5/, '4') });
}

async function mxTargets(domain: string, options: DomainDeliveryOptions): Promise<{ targets: Target[]; refusedByPolicy: boolean }> {
  const route = await resolveMxRoute(domain, { dns: options.dns, ...(options.random ? { random: options.random } : {}) });
  const policy = options.mtaSts ? await options.mtaSts(domain).catch(() => null) : null;
  const targets: Target[] = [];
  let refusedByPolicy = false;
  for (const host of route.hosts) {
    const requirement = tlsRequirementFor(host.name, policy);
    if (requirement === 'refuse') { refusedByPolicy = true; continue; }
    const tls: TlsMode = requirement === 'verified-tls' ? 'required-verified' : 'opportunistic';
    for (const address of host.addresses) targets.push({ address, hostName: host.name, port: options.mxPort ?? 25, tls, implicitTls: false });
  }
  return { targets, refusedByPolicy };
}

async function relayTargets(relay: RelayConfig, dns: DnsLookup): Promise<{ targets: Target[]; refusedByPolicy: boolean }> {
  const addresses = isIP(relay.host) ? [relay.host] : await resolveHostAddresses(relay.host, dns);
  const auth = relay.username ? { user: relay.username, pass: relay.password ?? '' } : undefined;
  const tls = relay.tls ?? 'required-verified';
  return {
    targets: addresses.map((address) => ({
      address, hostName: relay.host, port: relay.port, tls, implicitTls: relay.port === 465 && tls !== 'none', ...(auth ? { auth } : {}),
    })),
    refusedByPolicy: false,
  };
}

function allRecipients(recipients: string[], outcome: RecipientOutcome): Map<string, RecipientOutcome> {
  return new Map(recipients.map((r) => [r, outcome]));
}
