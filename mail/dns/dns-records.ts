// The DNS records a mail domain needs, as `mailroom dns DOMAIN` prints them and the control API
// (GET /v1/domains/:name/dns) serves them. Pure: config facts and the published DKIM keys in, a
// stable list of {type, name, value} out. Names and targets are fully qualified with the
// trailing dot, as a zone file writes them. It lives in mail/ because the mail daemon serves it;
// the CLI imports it from here.

import { createHash } from 'node:crypto';

export type DnsRecordType = 'MX' | 'TXT' | 'CNAME' | 'SRV';

export interface DnsRecord {
  type: DnsRecordType;
  name: string;
  value: string;
}

/** What a record is for; `--check` uses it to know which TXT records at a name are its kind. */
export type DnsRecordKind = 'mx' | 'spf' | 'dkim' | 'dmarc' | 'mta-sts' | 'mta-sts-host' | 'tls-rpt' | 'autoconfig' | 'srv';

export interface DomainRecord extends DnsRecord {
  kind: DnsRecordKind;
}

export interface DnsRecordInput {
  domain: string;
  /** The server's host name (config `hostname`): the MX and every service target. */
  hostname: string;
  dkim: { selector: string; txt: string }[];
  /** Ports clients reach; null leaves the service out (its listener is disabled). */
  ports: { submission: number | null; submissions: number | null; imaps: number | null; pop3s: number | null };
}

/** The MTA-STS policy (RFC 8461 3.2) to serve at https://mta-sts.DOMAIN/.well-known/mta-sts.txt. */
export function mtaStsPolicy(hostname: string): string {
  // "testing" until the admin has seen clean TLS reports: "enforce" makes senders refuse to
  // deliver at all while the certificate is still the self-signed one from `mailroom init`.
  return `version: STSv1\r\nmode: testing\r\nmx: ${hostname}\r\nmax_age: 604800\r\n`;
}

/** The policy id changes exactly when the policy does, so senders refetch it only then. */
export function mtaStsId(policy: string): string {
  return createHash('sha256').update(policy).digest('hex').slice(0, 20);
}

export function domainRecords(input: DnsRecordInput): DomainRecord[] {
  const d = `${input.domain}.`;
  const h = `${input.hostname}.`;
  const postmaster = `mailto:postmaster@${input.domain}`;
  const records: DomainRecord[] = [
    { kind: 'mx', type: 'MX', name: d, value: `10 ${h}` },
    { kind: 'spf', type: 'TXT', name: d, value: 'v=spf1 mx -all' },
    ...input.dkim.map((k): DomainRecord => ({ kind: 'dkim', type: 'TXT', name: `${k.selector}._domainkey.${d}`, value: k.txt })),
    // quarantine, not reject: a forwarder that breaks DKIM costs a Junk folder, not a bounce.
    { kind: 'dmarc', type: 'TXT', name: `_dmarc.${d}`, value: `v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=${postmaster}` },
    { kind: 'mta-sts', type: 'TXT', name: `_mta-sts.${d}`, value: `v=STSv1; id=${mtaStsId(mtaStsPolicy(input.hostname))}` },
    { kind: 'mta-sts-host', type: 'CNAME', name: `mta-sts.${d}`, value: h },
    { kind: 'tls-rpt', type: 'TXT', name: `_smtp._tls.${d}`, value: `v=TLSRPTv1; rua=${postmaster}` },
    { kind: 'autoconfig', type: 'CNAME', name: `autoconfig.${d}`, value: h },
    { kind: 'autoconfig', type: 'CNAME', name: `autodiscover.${d}`, value: h },
  ];
  // RFC 6186 and RFC 8314: where mail clients find the services ("priority weight port target").
  const services: [string, number | null][] = [
    ['_submissions._tcp', input.ports.submissions],
    ['_submission._tcp', input.ports.submission],
    ['_imaps._tcp', input.ports.imaps],
    ['_pop3s._tcp', input.ports.pop3s],
  ];
  for (const [service, port] of services) {
    if (port !== null) records.push({ kind: 'srv', type: 'SRV', name: `${service}.${d}`, value: `0 1 ${port} ${h}` });
  }
  return records;
}

/** A zone-file line; a TXT value is quoted and split into strings of at most 255 bytes. */
export function zoneLine(record: DnsRecord): string {
  let value = record.value;
  if (record.type === 'TXT') {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255).replace(/["\\]/g, '\\$&')}"`);
    value = parts.join(' ');
  }
  return `${record.name}\tIN\t${record.type}\t${value}`;
}
