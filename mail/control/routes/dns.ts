// GET /v1/domains/:name/dns: the records to publish, as `mailroom dns DOMAIN --json` prints them.

import { normalizeDomain } from '../../../core/address.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
// The record builder is pure and shared with the CLI; it lives beside the `dns` command today.
import { domainRecords } from '../../../cli/commands/dns-records.js';
import type { ControlDeps } from '../control-deps.js';
import type { ControlDnsRecord } from '../control-protocol.js';
import { ok, type ControlRoute } from '../control-router.js';

export function dnsRoutes(deps: ControlDeps): ControlRoute[] {
  return [{
    method: 'GET', path: '/v1/domains/:name/dns',
    async handle({ params }) {
      const name = params.name!;
      const domain = normalizeDomain(name);
      if (!domain) throw new InputError('invalid_domain', `"${name}" is not a domain name`);
      if (!(await deps.directory.isLocalDomain(domain))) throw new NotFoundError('domain_unknown', `domain ${domain} is not a mail domain of this server (see "mailroom domain ls")`);
      const records = domainRecords({ domain, hostname: deps.hostname, dkim: await deps.dkimKeys.publishedKeys(domain), ports: deps.clientPorts });
      return ok(records.map(({ type, name: n, value }): ControlDnsRecord => ({ type, name: n, value })));
    },
  }];
}
