// The DMARC policy an author's domain publishes, for the list's From rewrite: a TXT lookup of
// _dmarc.DOMAIN, else of its organisational domain (RFC 7489 6.6.3), through the configured
// resolver, cached (a busy list posts many times from one domain). A lookup failure counts as
// "reject" for the rewrite decision: rewriting a From that did not need it costs a little
// convenience, not rewriting one that did costs delivery to every strict member's server.
//
// The organisational domain is the last two labels (no public suffix list here): good for
// example.com, too short for example.co.uk, where the exact name's record usually exists anyway.

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export type TxtResolver = (name: string, rrtype: 'TXT') => Promise<unknown>;

/** p= (or sp= for a subdomain answered from its organisational domain) of a record; null when it is not DMARC. */
export function parseDmarcRecord(text: string, subdomain: boolean): DmarcPolicy | null {
  const t = text.trim();
  if (!/^v\s*=\s*DMARC1\s*(;|$)/i.test(t)) return null;
  const tags = new Map<string, string>();
  for (const part of t.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim().toLowerCase());
  }
  const p = (subdomain && tags.get('sp')) || tags.get('p');
  return p === 'reject' || p === 'quarantine' || p === 'none' ? p : null;
}

/** The From must be rewritten for this policy. */
export function needsFromRewrite(policy: DmarcPolicy | 'unknown'): boolean {
  return policy !== 'none';
}

export interface DmarcPolicySource {
  /** 'none' also when no record is published; 'unknown' when DNS failed. */
  policyOf(domain: string): Promise<DmarcPolicy | 'unknown'>;
}

export function createDmarcPolicySource(options: { resolve: TxtResolver; ttlMs?: number; now?: () => number; maxEntries?: number }): DmarcPolicySource {
  const ttl = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const max = options.maxEntries ?? 10_000;
  const cache = new Map<string, { policy: DmarcPolicy | 'unknown'; until: number }>();

  async function record(name: string): Promise<string[] | 'none' | 'failed'> {
    try {
      const answer = await options.resolve(`_dmarc.${name}`, 'TXT') as string[][];
      return answer.map((chunks) => chunks.join(''));
    } catch (err) {
      const code = (err as { code?: string }).code;
      return code === 'ENOTFOUND' || code === 'ENODATA' ? 'none' : 'failed';
    }
  }

  async function lookup(domain: string): Promise<DmarcPolicy | 'unknown'> {
    const own = await record(domain);
    if (own === 'failed') return 'unknown';
    const ownPolicy = own === 'none' ? null : own.map((r) => parseDmarcRecord(r, false)).find((p) => p !== null) ?? null;
    if (ownPolicy) return ownPolicy;
    const labels = domain.split('.');
    if (labels.length <= 2) return 'none';
    const org = labels.slice(-2).join('.');
    const parent = await record(org);
    if (parent === 'failed') return 'unknown';
    return (parent === 'none' ? null : parent.map((r) => parseDmarcRecord(r, true)).find((p) => p !== null) ?? null) ?? 'none';
  }

  return {
    async policyOf(domain: string) {
      const key = domain.toLowerCase();
      const hit = cache.get(key);
      if (hit && hit.until > now()) return hit.policy;
      const policy = await lookup(key);
      // A failure is cached briefly only: the next post tries again.
      cache.set(key, { policy, until: now() + (policy === 'unknown' ? 60_000 : ttl) });
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return policy;
    },
  };
}
