// GET /api/v1/services: each service of the appliance and whether it answers, each listener of
// the config and whether it accepts a connection (with the TLS certificate's expiry on the
// implicit-TLS ports). Probed live on every request (agent/services/service-probe.ts).

import type { ServicesReport } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

export function serviceRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/services', tag: 'system', access: 'session', summary: 'Services answering and listeners accepting connections, probed now',
      async handle(): Promise<ServicesReport> {
        if (!deps.services) throw new ApiError(404, 'not_found', 'service probes are not available');
        return deps.services.report();
      },
    }),
  ];
}
