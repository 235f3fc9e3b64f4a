// GET /v1/domains/:name/dns: the records to publish, as `mailroom dns DOMAIN --json` prints them.
// GET /v1/domains/:name/dns/check: each record with what DNS holds now, through the daemon's
// resolver (config dns.servers), as `mailroom dns DOMAIN --check --json` prints it.

import { normalizeDomain } from '../../../core/address.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
import { createCheckResolver } from '../../dns/check-resolver.js';
import { checkRecords } from '../../dns/dns-check.js';
import { domainRecords, type DomainRecord } from '../../dns/dns-records.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlDnsCheck, ControlDnsRecord } from '../control-protocol.js';
import { ok, type ControlRoute } from '../control-router.js';

export function dnsRoutes(deps: ControlDeps): ControlRoute[] {
  // Without a resolver from the composition root: the system's (tests, older roots).
  let resolver = deps.dnsCheck;
  const records = async (name: string): Promise<DomainRecord[]> => {
    const domain = normalizeDomain(name);
    if (!domain) throw new InputError('invalid_domain', `"${name}" is not a domain name`);
    if (!(await deps.directory.isLocalDomain(domain))) throw new NotFoundError('domain_unknown', `domain ${domain} is not a mail domain of this server (see "mailroom domain ls")`);
    return domainRecords({ domain, hostname: deps.hostname, dkim: await deps.dkimKeys.publishedKeys(domain), ports: deps.clientPorts });
  };
  return [
    {
      method: 'GET', path: '/v1/domains/:name/dns',
      async handle({ params }) {
        return ok((await records(params.name!)).map(({ type, name: n, value }): ControlDnsRecord => ({ type, name: n, value })));
      },
    },
    {
      method: 'GET', path: '/v1/domains/:name/dns/check',
      async handle({ params }) {
        resolver ??= createCheckResolver([]);
        const checked = await checkRecords(await records(params.name!), resolver);
        return ok(checked.map((c): ControlDnsCheck => ({ type: c.type, name: c.name, value: c.value, status: c.status, found: c.found, ...(c.error ? { error: c.error } : {}) })));
      },
    },
  ];
}
