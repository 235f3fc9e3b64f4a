// `mailroom dns DOMAIN [--json] [--check]`: the DNS records to publish for a mail domain (MX,
// SPF, every published DKIM key, DMARC, MTA-STS, TLS-RPT, autoconfig/autodiscover and RFC 6186
// SRV records). `--check` asks the resolvers (config dns.servers, else the system's) and exits 1
// if any record is missing or wrong.

import { withServices } from '../services.js';
import type { CliArgs } from '../args.js';
import { splitHostPort, type Config } from '../../core/config.js';
import { NotFoundError } from '../../core/errors.js';
import { normalizeDomain } from '../../core/address.js';
import { FsDkimKeyStore } from '../../mail/store/fs/dkim-key-store.js';
import { domainRecords, mtaStsPolicy, zoneLine, type DomainRecord } from '../../mail/dns/dns-records.js';
import { checkRecords, type RecordCheck } from '../../mail/dns/dns-check.js';
import { createCheckResolver } from '../../mail/dns/check-resolver.js';
import { checkShape, exitForUsage, UsageError } from '../command-input.js';

const USAGE = 'dns DOMAIN [--json] [--check]';

function port(listen: string | null): number | null {
  return listen === null ? null : splitHostPort(listen).port;
}

async function recordsFor(args: CliArgs, name: string): Promise<{ records: DomainRecord[]; config: Config; domain: string }> {
  return withServices(args.dataDir, async (s) => {
    const domain = normalizeDomain(name);
    if (!domain) throw new UsageError(`"${name}" is not a domain name (usage: mailroom ${USAGE})`);
    if (!(await s.directory.isLocalDomain(domain))) throw new NotFoundError('domain_unknown', `domain ${domain} is not a mail domain of this server (see "mailroom domain ls")`);
    // The CLI builds its own key store: the DKIM keys are files beside the database, not rows in it.
    const keys = await new FsDkimKeyStore({ dataDir: s.config.dataDir }).publishedKeys(domain);
    const { listen } = s.config;
    const records = domainRecords({
      domain, hostname: s.config.hostname, dkim: keys,
      ports: { submission: port(listen.submission), submissions: port(listen.submissions), imaps: port(listen.imaps), pop3s: port(listen.pop3s) },
    });
    return { records, config: s.config, domain };
  });
}

export async function dnsCommand(args: CliArgs): Promise<number> {
  try {
    checkShape(args, args.positional, { usage: USAGE, positional: [1, 1], switches: ['json', 'check'] });
    const { records, config, domain } = await recordsFor(args, args.positional[0]!);
    if (args.flags.check) return printCheck(await checkRecords(records, createCheckResolver(config.dns.servers)), args.flags.json === true);
    if (args.flags.json) {
      process.stdout.write(JSON.stringify(records.map(({ type, name, value }) => ({ type, name, value }))) + '\n');
      return 0;
    }
    process.stdout.write(`; DNS records for ${domain}: publish these at the domain's DNS provider.\n`);
    if (!records.some((r) => r.name.includes('._domainkey.'))) process.stdout.write(`; ${domain} has no DKIM keys: run "mailroom domain dkim-rotate ${domain}".\n`);
    for (const r of records) process.stdout.write(zoneLine(r) + '\n');
    process.stdout.write(`; ${config.hostname} needs A/AAAA records for this server's public addresses, and a PTR record matching it.\n`);
    process.stdout.write(`; MTA-STS policy, to serve at https://mta-sts.${domain}/.well-known/mta-sts.txt:\n`);
    for (const line of mtaStsPolicy(config.hostname).trimEnd().split('\r\n')) process.stdout.write(`;   ${line}\n`);
    return 0;
  } catch (err) {
    return exitForUsage(err);
  }
}

function printCheck(results: RecordCheck[], json: boolean): number {
  if (json) process.stdout.write(JSON.stringify(results) + '\n');
  else {
    for (const r of results) {
      let line = `${r.status.padEnd(8)}${r.type.padEnd(6)}${r.name}`;
      if (r.status !== 'present') line += `\n        want: ${r.value}`;
      for (const f of r.status === 'wrong' ? r.found : []) line += `\n        found: ${f}`;
      if (r.error) line += `\n        ${r.error}`;
      process.stdout.write(line + '\n');
    }
  }
  return results.every((r) => r.status === 'present') ? 0 : 1;
}
