// Finds a domain's MTA-STS policy (RFC 8461 §3): the `_mta-sts.DOMAIN` TXT record says a policy
// exists and its id; the policy itself comes over HTTPS from
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt. The HTTPS fetch is injected (the composition
// root passes one with certificate checking and the 64 KB / 10 s limits; tests pass a fake).
// Policies are cached for max_age and refetched only when the TXT id changes (§5.1); when a
// fetch fails, a cached unexpired policy is still used, else the delivery goes on without one.

import type { DnsLookup } from './dns-lookup.js';
import { parseMtaStsPolicy, parseMtaStsTxt, type MtaStsPolicy } from './mta-sts.js';

/** Returns the body of a 200 response; throws on anything else (redirects are not followed, §3.3). */
export type PolicyFetcher = (url: string) => Promise<string>;

interface CachedPolicy { id: string; policy: MtaStsPolicy; expiresAt: number }

export interface MtaStsSourceOptions {
  dns: DnsLookup;
  fetchPolicy: PolicyFetcher;
  now?: () => number;
}

export function createMtaStsSource(options: MtaStsSourceOptions): (domain: string) => Promise<MtaStsPolicy | null> {
  const cache = new Map<string, CachedPolicy>();
  const now = options.now ?? Date.now;
  return async (domain) => {
    const cached = cache.get(domain);
    const fresh = cached && cached.expiresAt > now() ? cached : undefined;
    let id: string | null = null;
    try {
      const records = (await options.dns.resolveTxt(`_mta-sts.${domain}`)).map((chunks) => chunks.join(''));
      const valid = records.map(parseMtaStsTxt).filter((r): r is { id: string } => r !== null);
      // §3.1: exactly one valid record, else as if there were none.
      id = valid.length === 1 ? valid[0]!.id : null;
    } catch {
      return fresh?.policy ?? null;
    }
    if (id === null) return fresh?.policy ?? null;
    if (fresh && fresh.id === id) return fresh.policy;
    try {
      const policy = parseMtaStsPolicy(await options.fetchPolicy(`https://mta-sts.${domain}/.well-known/mta-sts.txt`));
      cache.set(domain, { id, policy, expiresAt: now() + policy.maxAgeSeconds * 1000 });
      return policy;
    } catch {
      return fresh?.policy ?? null;
    }
  };
}
