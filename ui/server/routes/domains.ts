// Mail domains, through the mail daemon's control API (which also creates and removes their
// DKIM keys, as `mailroom domain add|rm` does), and the records to publish with their live check.

import { z } from 'zod';
import type { DnsRecord, DnsRecordCheck, Domain } from '../../shared/api-types.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

export function domainRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/domains', tag: 'mail', access: 'session', summary: 'The mail domains',
      async handle(): Promise<Domain[]> { return deps.control.listDomains(); },
    }),
    route({
      method: 'post', path: '/api/v1/domains', tag: 'mail', access: 'session', summary: 'Add a domain (and its DKIM keys)',
      body: z.strictObject({ name: z.string().min(1).max(253) }),
      response: { status: 201, description: 'Added' },
      audit: { action: 'domain.add', target: ({ body }) => body.name },
      async handle({ body }) { return new Reply(201, await deps.control.addDomain(body.name)); },
    }),
    route({
      method: 'delete', path: '/api/v1/domains/{name}', tag: 'mail', access: 'session', summary: 'Remove a domain that has no users or aliases',
      audit: { action: 'domain.remove', target: ({ params }) => params.name! },
      async handle({ params }) { return deps.control.removeDomain(params.name!); },
    }),
    route({
      method: 'get', path: '/api/v1/domains/{name}/dns', tag: 'mail', access: 'session', summary: 'The DNS records to publish for a domain',
      async handle({ params }): Promise<DnsRecord[]> { return deps.control.dnsRecords(params.name!); },
    }),
    route({
      method: 'get', path: '/api/v1/domains/{name}/dns/check', tag: 'mail', access: 'session',
      summary: 'Each record to publish with what DNS holds now (present, missing, wrong), through the mail daemon\'s resolver',
      async handle({ params }): Promise<DnsRecordCheck[]> { return deps.control.dnsCheck(params.name!); },
    }),
  ];
}
