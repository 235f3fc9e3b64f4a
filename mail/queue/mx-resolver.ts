// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference, equal preferences in
// random order (to spread load as the domain intends); no MX means the domain itself is the
// host (implicit MX); a lone `0 .` is a null MX (RFC 7505): the domain takes no mail at all.
// Errors say whether they are permanent (bounce now) or temporary (retry): a name that does not
// exist is permanent, a resolver that failed or timed out never is.

import { MailroomError } from '../../core/errors.js';
import { isNoData, isNxDomain, type DnsLookup } from './dns-lookup.js';

export interface MxHost {
  name: string;
  preference: number;
  /** IPv6 first, then IPv4 (see resolveHostAddresses). */
  addresses: string[];
}

export interface MxRoute {
  domain: string;
  /** In the order to try them. Hosts without addresses are left out. */
  hosts: MxHost[];
  /** True when the domain has no MX and its own A/AAAA records are used. */
  implicit: boolean;
}

export class MxResolutionError extends MailroomError {
  constructor(code: string, message: string, readonly permanent: boolean, readonly status: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export interface MxResolverOptions {
  dns: DnsLookup;
  /** For shuffling equal preferences; tests pass a fixed one. */
  random?: () => number;
}

export async function resolveMxRoute(domain: string, options: MxResolverOptions): Promise<MxRoute> {
  const { dns } = options;
  let records: { exchange: string; priority: number }[];
  let implicit = false;
  try {
    records = await dns.resolveMx(domain);
  } catch (err) {
    if (isNxDomain(err)) throw new MxResolutionError('mx_domain_not_found', `domain ${domain} does not exist`, true, '5.1.2', { cause: err });
    if (!isNoData(err)) throw temporary(`MX lookup for ${domain} failed`, err);
    records = [];
  }
  const isNull = (r: { exchange: string }) => r.exchange === '' || r.exchange === '.';
  if (records.length > 0 && records.every(isNull)) {
    throw new MxResolutionError('mx_null', `domain ${domain} does not accept mail (null MX)`, true, '5.1.10');
  }
  records = records.filter((r) => !isNull(r));
  if (records.length === 0) {
    implicit = true;
    records = [{ exchange: domain, priority: 0 }];
  }

  const ordered = orderByPreference(records, options.random ?? Math.random);
  const lookups = await Promise.all(ordered.map(async (r) => ({ r, result: await lookupAddresses(r.exchange.replace(/\.$/, '').toLowerCase(), dns) })));
  const hosts: MxHost[] = [];
  let temporaryError: unknown = null;
  for (const { r, result } of lookups) {
    if (result.addresses.length > 0) hosts.push({ name: r.exchange.replace(/\.$/, '').toLowerCase(), preference: r.priority, addresses: result.addresses });
    else if (result.temporaryError) temporaryError = result.temporaryError;
  }
  if (hosts.length === 0) {
    if (temporaryError) throw temporary(`address lookup for the mail hosts of ${domain} failed`, temporaryError);
    if (implicit) throw new MxResolutionError('mx_domain_no_address', `domain ${domain} has no MX and no address`, true, '5.1.2');
    throw new MxResolutionError('mx_hosts_not_found', `no MX host of ${domain} has an address`, true, '5.4.4');
  }
  return { domain, hosts, implicit };
}

/** A and AAAA of one host name, IPv6 first; throws MxResolutionError when it has none. */
export async function resolveHostAddresses(host: string, dns: DnsLookup): Promise<string[]> {
  const result = await lookupAddresses(host, dns);
  if (result.addresses.length > 0) return result.addresses;
  if (result.temporaryError) throw temporary(`address lookup for ${host} failed`, result.temporaryError);
  throw new MxResolutionError('host_not_found', `host ${host} has no address`, true, '5.4.4');
}

async function lookupAddresses(host: string, dns: DnsLookup): Promise<{ addresses: string[]; temporaryError: unknown }> {
  const [v6, v4] = await Promise.allSettled([dns.resolve6(host), dns.resolve4(host)]);
  const addresses: string[] = [];
  let temporaryError: unknown = null;
  for (const r of [v6, v4]) {
    if (r.status === 'fulfilled') addresses.push(...r.value);
    else if (!isNoData(r.reason) && !isNxDomain(r.reason)) temporaryError = r.reason;
  }
  return { addresses, temporaryError };
}

function orderByPreference<T extends { priority: number }>(records: T[], random: () => number): T[] {
  // Decorate with a random key once (a comparator calling random() is not a valid sort).
  return records.map((r) => ({ r, key: random() })).sort((a, b) => a.r.priority - b.r.priority || a.key - b.key).map((x) => x.r);
}

function temporary(message: string, cause: unknown): MxResolutionError {
  const code = (cause as NodeJS.ErrnoException)?.code ?? 'unknown';
  return new MxResolutionError('mx_lookup_failed', `${message} (${code})`, false, '4.4.3', { cause });
}
