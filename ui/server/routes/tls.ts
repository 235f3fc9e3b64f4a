// The TLS certificate and its ACME issuance (agent/acme), for the panel:
//   GET  /api/v1/tls         the certificate in use (subject, names, issuer, expiry) and the ACME state
//   POST /api/v1/tls/issue   order a certificate now (HTTP-01 on listen.http), install it, reload
// A failed order answers 502 with the CA's reason (and raises the "acme" alert).

import { MailroomError } from '../../../core/errors.js';
import type { TlsStatus } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { route, type ApiRoute } from '../api-route.js';
import type { AcmeApi, AdminServerDeps } from '../deps.js';

function acmeOf(deps: AdminServerDeps): AcmeApi {
  if (!deps.acme) throw new ApiError(404, 'acme_unavailable', 'this agent does not manage certificates');
  return deps.acme;
}

export function tlsRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/tls', tag: 'system', access: 'session', summary: 'The TLS certificate in use and the state of its ACME renewal',
      async handle(): Promise<TlsStatus> { return acmeOf(deps).status(); },
    }),
    route({
      method: 'post', path: '/api/v1/tls/issue', tag: 'system', access: 'session', summary: 'Order a certificate from the ACME CA now, install it and reload the servers',
      audit: { action: 'tls.issue' },
      async handle(): Promise<TlsStatus> {
        try {
          return await acmeOf(deps).issue();
        } catch (err) {
          if (err instanceof MailroomError && !(err instanceof ApiError)) throw new ApiError(502, err.code, err.message);
          throw err;
        }
      },
    }),
  ];
}
