// Quotas on the control API:
//   GET /v1/quota                       the report (as `mailroom quota report --json`)
//   PUT /v1/domains/:name/quota {quota} a domain's quota (a size like "10G", bytes, or null/"unlimited")
// Account quotas stay with the accounts (PUT /v1/users/:address/quota).

import { normalizeDomain } from '../../../core/address.js';
import { buildQuotaReport } from '../../delivery/quota-report.js';
import type { ControlDeps } from '../control-deps.js';
import { ControlRequestError } from '../control-errors.js';
import { parseQuota, requireObject } from '../control-input.js';
import { ok, type ControlRoute } from '../control-router.js';

export function quotaRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    {
      method: 'GET', path: '/v1/quota',
      async handle() {
        return ok(await buildQuotaReport({ directory: deps.directory, mailStore: deps.mailStore, disk: deps.disk ?? null }));
      },
    },
    {
      method: 'PUT', path: '/v1/domains/:name/quota',
      async handle({ params, body }) {
        const b = requireObject(body);
        if (!('quota' in b)) throw new ControlRequestError(400, 'invalid_request', '"quota" is required (a size like 10G, or null for unlimited)');
        // "none" as `mailroom domain quota NAME none` takes it, besides "unlimited" and null.
        const quota = typeof b.quota === 'string' && b.quota.trim().toLowerCase() === 'none' ? null : parseQuota(b.quota);
        await deps.directory.setDomainQuota(params.name!, quota);
        return ok({ domain: normalizeDomain(params.name!) ?? params.name, quota });
      },
    },
  ];
}
