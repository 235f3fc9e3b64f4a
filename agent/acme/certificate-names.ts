// The names one certificate must carry: the server's host name (SMTP, IMAP, POP3 and the panel)
// and, for every mail domain, the names `mailroom dns` tells the admin to point at this server
// (autoconfig and autodiscover for mail clients, mta-sts for the MTA-STS policy), plus any the
// config adds (acme.names). Pure; the host name comes first (it becomes the subject's CN).

/** Let's Encrypt's limit of names in one certificate. */
export const MAX_CERTIFICATE_NAMES = 100;

export function certificateNames(hostname: string, domains: readonly string[], extra: readonly string[] = []): string[] {
  const host = hostname.toLowerCase();
  const rest = new Set<string>();
  for (const d of domains) {
    const domain = d.toLowerCase();
    for (const label of ['autoconfig', 'autodiscover', 'mta-sts']) rest.add(`${label}.${domain}`);
  }
  for (const n of extra) rest.add(n.toLowerCase());
  rest.delete(host);
  return [host, ...[...rest].sort()];
}

/** Whether a certificate's DNS names cover every wanted name (wildcards included). */
export function coversNames(certNames: readonly string[], wanted: readonly string[]): boolean {
  const have = certNames.map((n) => n.toLowerCase());
  return wanted.every((w) => have.includes(w) || have.some((h) => h.startsWith('*.') && w.endsWith(h.slice(1)) && !w.slice(0, -h.length + 1).includes('.')));
}
