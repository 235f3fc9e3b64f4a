// Mail addresses as Mailroom stores and compares them: `local@domain`, domain lower-cased and
// in IDNA A-label form, local part lower-cased (Mailroom's mailboxes are case-insensitive, as
// every common server's are). Pure.

import { domainToASCII } from 'node:url';

export interface ParsedAddress {
  local: string;
  domain: string;
  address: string; // local@domain, normalised
}

const PLAIN_LDH = /^[a-z0-9.-]+$/;
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/;

/** Normalises a domain name; null when it is not a valid DNS name. */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, '');
  if (!trimmed || trimmed.length > 253) return null;
  const lower = trimmed.toLowerCase();
  // Plain LDH names without A-labels are their own ASCII form: the IDNA conversion (a few µs,
  // several times per message) only has work to do for the others.
  const ascii = PLAIN_LDH.test(lower) && !lower.includes('xn--') ? lower : domainToASCII(lower);
  if (!ascii) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return null;
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null; // a bare IP is not a mail domain
  return ascii;
}

/** Parses `local@domain` (no display name, no angle brackets); null when malformed. */
export function parseAddress(input: string): ParsedAddress | null {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  const local = text.slice(0, at);
  const domain = normalizeDomain(text.slice(at + 1));
  if (!domain) return null;
  if (local.length > 64 || !LOCAL_ATOM.test(local)) return null;
  const l = local.toLowerCase();
  return { local: l, domain, address: `${l}@${domain}` };
}

/** `local@domain` normalised, or null. */
export function normalizeAddress(input: string): string | null {
  return parseAddress(input)?.address ?? null;
}

/** `@domain` (a catch-all) normalised, or null. */
export function normalizeCatchAll(input: string): string | null {
  const t = input.trim();
  if (!t.startsWith('@')) return null;
  const d = normalizeDomain(t.slice(1));
  return d ? `@${d}` : null;
}
