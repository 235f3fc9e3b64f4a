// Forward-confirmed reverse DNS of the client, judged at MAIL FROM: a PTR name whose A/AAAA
// records include the client's address. Mail servers on the internet have one; botnets on home
// lines mostly do not. inbound.requireReverseDns: "off"; "log" (the default) notes clients
// without one and lets them on, because some legitimate small senders lack it; "defer" answers
// 450 4.7.25 (RFC 7372), which the sender's retries survive if its DNS was only slow. A DNS
// failure is treated as "not confirmed" (deferred under "defer", so a temporary failure stays
// temporary). Loopback clients are local and confirmed without a query. Results are cached per
// address for `cacheMs`.

import type { Logger } from '../../core/log.js';
import type { Check, CheckResult } from './contracts.js';
import { isNoAnswer, type PolicyDnsResolver } from './dnsbl-resolver.js';
import { addressBytes, canonicalAddress, isLoopbackAddress } from './greylist-network.js';

export type ReverseDnsPolicy = 'off' | 'log' | 'defer';
export type ReverseDnsResult = { status: 'confirmed'; name: string } | { status: 'none' | 'unconfirmed' | 'error'; detail: string };

export interface ReverseDnsCheckOptions {
  policy: ReverseDnsPolicy;
  resolver: PolicyDnsResolver;
  logger: Logger;
  cacheMs?: number;
  now?: () => number;
}

/** At most this many PTR names are forward-checked (RFC 8601's "iprev" does the same). */
const MAX_NAMES = 10;

export async function confirmReverseDns(ip: string, resolver: PolicyDnsResolver): Promise<ReverseDnsResult> {
  if (isLoopbackAddress(ip)) return { status: 'confirmed', name: 'localhost' };
  const bytes = addressBytes(ip);
  if (!bytes) return { status: 'error', detail: `not an address: ${ip}` };
  let names: string[];
  try {
    names = await resolver.reverse(canonicalAddress(ip));
  } catch (err) {
    if (isNoAnswer(err)) return { status: 'none', detail: 'no PTR record' };
    return { status: 'error', detail: `PTR lookup failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  if (names.length === 0) return { status: 'none', detail: 'no PTR record' };
  const want = canonicalAddress(ip);
  let failed: string | null = null;
  for (const name of names.slice(0, MAX_NAMES)) {
    try {
      const addresses = bytes.length === 4 ? await resolver.resolve4(name) : await resolver.resolve6(name);
      if (addresses.some((a) => canonicalAddress(a) === want)) return { status: 'confirmed', name };
    } catch (err) {
      if (!isNoAnswer(err)) failed = `${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  if (failed) return { status: 'error', detail: `forward lookup failed (${failed})` };
  return { status: 'unconfirmed', detail: `${names.slice(0, 3).join(', ')} does not resolve back to ${want}` };
}

export function createReverseDnsCheck(options: ReverseDnsCheckOptions): Check {
  const cache = new Map<string, { result: ReverseDnsResult; until: number }>();
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 10 * 60_000;
  return {
    name: 'reverse-dns',
    async mailFrom(ctx): Promise<CheckResult> {
      if (options.policy === 'off' || ctx.authenticatedUser) return { action: 'accept' };
      const ip = ctx.remoteAddress;
      let entry = cache.get(ip);
      if (!entry || entry.until <= now()) {
        const result = await confirmReverseDns(ip, options.resolver);
        entry = { result, until: now() + cacheMs };
        cache.delete(ip);
        cache.set(ip, entry);
        if (cache.size > 50_000) cache.delete(cache.keys().next().value!);
        if (result.status !== 'confirmed') {
          options.logger.info('client without confirmed reverse DNS', { cid: ctx.connectionId, qid: null, remote: ip, status: result.status, detail: result.detail, outcome: options.policy === 'defer' ? 'deferred' : 'logged' });
        }
      }
      const result = entry.result;
      if (result.status === 'confirmed' || options.policy === 'log') return { action: 'accept', reason: `reverse-dns: ${result.status}` };
      return {
        action: 'defer', code: 450, enhanced: '4.7.25',
        message: `Client host rejected: cannot confirm the reverse DNS of [${ip}]`,
        reason: `reverse-dns: ${result.status}, ${result.detail}`,
      };
    },
  };
}
