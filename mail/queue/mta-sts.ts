// MTA-STS (RFC 8461), the pure parts: parsing the `_mta-sts` TXT record and the policy file, and
// deciding what a policy demands of a delivery to one MX host. Fetching is someone else's job
// (mta-sts-source.ts), so these rules are table-tested without DNS or HTTPS.

import { MailroomError } from '../../core/errors.js';

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  mode: MtaStsMode;
  /** MX patterns, lower case without trailing dot; `*.example.net` matches one leftmost label. */
  mx: string[];
  maxAgeSeconds: number;
}

export class MtaStsPolicyError extends MailroomError {}

/** RFC 8461 §3.2: max_age is at most 31557600 (a year). */
const MAX_AGE_LIMIT = 31_557_600;

/** The `id` of a `v=STSv1; id=...` TXT record; null when the record is not a valid STS record. */
export function parseMtaStsTxt(txt: string): { id: string } | null {
  const fields = txt.split(';').map((f) => f.trim()).filter(Boolean);
  if (fields[0] !== 'v=STSv1') return null;
  for (const field of fields.slice(1)) {
    const m = /^id=([A-Za-z0-9]{1,32})$/.exec(field);
    if (m) return { id: m[1]! };
  }
  return null;
}

/** Parses the policy file body; throws MtaStsPolicyError (`mta_sts_policy_invalid`). */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  let version: string | undefined;
  let mode: string | undefined;
  let maxAge: string | undefined;
  const mx: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalid(`line without a key: ${JSON.stringify(line.slice(0, 80))}`);
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    // Unknown keys are ignored (§3.2), so later versions can add fields.
    if (key === 'version') version = value;
    else if (key === 'mode') mode = value;
    else if (key === 'max_age') maxAge = value;
    else if (key === 'mx') mx.push(value.toLowerCase().replace(/\.$/, ''));
  }
  if (version !== 'STSv1') throw invalid(`version must be STSv1, got ${JSON.stringify(version ?? null)}`);
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') throw invalid(`mode must be enforce, testing or none, got ${JSON.stringify(mode ?? null)}`);
  if (maxAge === undefined || !/^\d{1,10}$/.test(maxAge)) throw invalid('max_age must be a whole number of seconds');
  const maxAgeSeconds = Math.min(Number(maxAge), MAX_AGE_LIMIT);
  if (mode !== 'none' && mx.length === 0) throw invalid('a policy in enforce or testing mode needs at least one mx');
  for (const pattern of mx) {
    if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(pattern)) throw invalid(`bad mx pattern ${JSON.stringify(pattern)}`);
  }
  return { mode, mx, maxAgeSeconds };
}

function invalid(message: string): MtaStsPolicyError {
  return new MtaStsPolicyError('mta_sts_policy_invalid', `MTA-STS policy: ${message}`);
}

/** §4.1: an exact name, or `*.` standing for exactly one leftmost label. */
export function mxMatchesPolicy(mxHost: string, policy: Pick<MtaStsPolicy, 'mx'>): boolean {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  return policy.mx.some((pattern) => {
    if (!pattern.startsWith('*.')) return host === pattern;
    const suffix = pattern.slice(1); // ".example.net"
    if (!host.endsWith(suffix)) return false;
    const label = host.slice(0, host.length - suffix.length);
    return label.length > 0 && !label.includes('.');
  });
}

/**
 * What a delivery to `mxHost` must do:
 * - `opportunistic`: STARTTLS when offered, any certificate (no policy, `none`, or `testing`:
 *   testing only reports failures, it never blocks mail);
 * - `verified-tls`: STARTTLS required, certificate valid for `mxHost` (enforce, MX listed);
 * - `refuse`: do not deliver to this host (enforce, MX not listed in the policy).
 */
export type TlsRequirement = 'opportunistic' | 'verified-tls' | 'refuse';

export function tlsRequirementFor(mxHost: string, policy: MtaStsPolicy | null): TlsRequirement {
  if (!policy || policy.mode !== 'enforce') return 'opportunistic';
  return mxMatchesPolicy(mxHost, policy) ? 'verified-tls' : 'refuse';
}
