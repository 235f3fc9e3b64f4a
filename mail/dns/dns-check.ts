// The live check of a domain's records (`mailroom dns DOMAIN --check`, the panel's domain page
// through GET /v1/domains/:name/dns/check): asks the resolvers for each record and says whether
// it is present, missing or wrong. A TXT name often holds other records (site verifications), so only
// records of the same kind (`v=spf1`, `v=DKIM1` ...) are compared; policies an admin may
// reasonably tighten (DMARC p=reject) count as present.

import type { DomainRecord } from './dns-records.js';

export type CheckStatus = 'present' | 'missing' | 'wrong';

export interface RecordCheck {
  type: string;
  name: string;
  value: string;
  status: CheckStatus;
  /** What DNS holds of this kind at the name. */
  found: string[];
  /** Why a record counts as missing when it was not a plain "no such record" (timeout, SERVFAIL). */
  error?: string;
}

/** The queries the check makes; node's Resolver in production (check-resolver.ts). Pure here: no I/O of its own. */
export interface CheckResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname(name: string): Promise<string[]>;
  resolveSrv(name: string): Promise<{ priority: number; weight: number; port: number; name: string }[]>;
}

const host = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** `v=DMARC1; p=quarantine` -> Map{v: 'DMARC1', p: 'quarantine'}; tag names lower-cased. */
function tags(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return out;
}

const TXT_PREFIX: Partial<Record<DomainRecord['kind'], RegExp>> = {
  spf: /^v=spf1(\s|$)/i,
  dkim: /^v=DKIM1\s*(;|$)|(^|;)\s*p=/i,
  dmarc: /^v=DMARC1\s*(;|$)/i,
  'mta-sts': /^v=STSv1\s*(;|$)/i,
  'tls-rpt': /^v=TLSRPTv1\s*(;|$)/i,
};

function txtMatches(kind: DomainRecord['kind'], found: string, expected: string): boolean {
  const f = tags(found);
  const e = tags(expected);
  switch (kind) {
    case 'spf': return found.trim().split(/\s+/).join(' ').toLowerCase() === expected.toLowerCase();
    case 'dkim': return f.get('p') === e.get('p') && (f.get('k') ?? 'rsa').toLowerCase() === e.get('k');
    case 'dmarc': return ['quarantine', 'reject'].includes((f.get('p') ?? '').toLowerCase());
    case 'mta-sts': return f.get('id') === e.get('id');
    case 'tls-rpt': return (f.get('rua') ?? '') !== '';
    default: return found === expected;
  }
}

async function lookup(record: DomainRecord, dns: CheckResolver): Promise<{ found: string[]; ok: boolean }> {
  switch (record.type) {
    case 'MX': {
      const want = host(record.value.split(' ')[1]!);
      const mx = await dns.resolveMx(record.name);
      return { found: mx.map((m) => `${m.priority} ${m.exchange}.`), ok: mx.some((m) => host(m.exchange) === want) };
    }
    case 'CNAME': {
      const names = await dns.resolveCname(record.name);
      return { found: names.map((n) => `${host(n)}.`), ok: names.some((n) => host(n) === host(record.value)) };
    }
    case 'SRV': {
      const [, , port, target] = record.value.split(' ');
      const srv = await dns.resolveSrv(record.name);
      return { found: srv.map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name}.`), ok: srv.some((s) => String(s.port) === port && host(s.name) === host(target!)) };
    }
    case 'TXT': {
      const prefix = TXT_PREFIX[record.kind];
      const all = (await dns.resolveTxt(record.name)).map((strings) => strings.join(''));
      const found = prefix ? all.filter((t) => prefix.test(t.trim())) : all;
      return { found, ok: found.some((t) => txtMatches(record.kind, t, record.value)) };
    }
  }
}

export async function checkRecords(records: DomainRecord[], dns: CheckResolver): Promise<RecordCheck[]> {
  return Promise.all(records.map(async (record): Promise<RecordCheck> => {
    const base = { type: record.type, name: record.name, value: record.value };
    try {
      const { found, ok } = await lookup(record, dns);
      return { ...base, status: ok ? 'present' : found.length > 0 ? 'wrong' : 'missing', found };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return { ...base, status: 'missing', found: [] };
      return { ...base, status: 'missing', found: [], error: `lookup failed (${code ?? (err as Error).message})` };
    }
  }));
}
