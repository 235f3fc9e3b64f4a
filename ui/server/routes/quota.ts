// Quotas for the panel, through the mail daemon's control API: the report (as `mailroom quota
// report --json`) and a domain's quota (as `mailroom domain quota NAME SIZE|none`). Account
// quotas are set on the account (PUT /api/v1/users/{address}/quota).

import { z } from 'zod';
import type { QuotaReport } from '../../shared/api-types.js';
import { route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

export function quotaRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/quota', tag: 'mail', access: 'session', summary: 'Usage against quota of every account and domain, and the disk against its reserve',
      async handle(): Promise<QuotaReport> { return deps.control.quotaReport(); },
    }),
    route({
      method: 'put', path: '/api/v1/domains/{name}/quota', tag: 'mail', access: 'session',
      summary: 'Set a domain\'s quota, all its accounts together (a size like "10G", or null/"none")',
      body: z.strictObject({ quota: z.union([z.number(), z.string().max(32), z.null()]) }),
      audit: { action: 'domain.quota', target: ({ params }) => params.name! },
      async handle({ params, body }) { return deps.control.setDomainQuota(params.name!, body.quota); },
    }),
  ];
}
