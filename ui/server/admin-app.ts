// The agent's HTTPS application (listen.admin): the REST API under /api/v1 with its OpenAPI
// document, Prometheus /metrics, mail client setup, and the panel's files. The websocket is
// handled on the server's 'upgrade' event by WsHub, not here.

import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ApiError } from './api-error.js';
import { route, type ApiRoute } from './api-route.js';
import type { AdminServerDeps } from './deps.js';
import { mountApi, sendError } from './mount-api.js';
import { buildOpenApi } from './openapi.js';
import { panelRouter } from './panel-static.js';
import { aliasRoutes } from './routes/aliases.js';
import { forwardRoutes } from './routes/forwards.js';
import { clientSetupRoutes, mobileconfigRoutes } from './routes/client-setup.js';
import { domainRoutes } from './routes/domains.js';
import { observabilityRoutes } from './routes/observability.js';
import { queueRoutes } from './routes/queue.js';
import { sessionRoutes } from './routes/session.js';
import { setupRoutes } from './routes/setup.js';
import { userRoutes } from './routes/users.js';
import { quotaRoutes } from './routes/quota.js';
import { listRoutes } from './routes/lists.js';
import { tlsRoutes } from './routes/tls.js';
import { firewallRoutes } from './routes/firewall.js';
import { backupRoutes } from './routes/backup.js';
import { serviceRoutes } from './routes/services.js';
import { updatesRoutes } from './routes/updates.js';
import { securityHeaders } from './security-headers.js';

/** Every route of the HTTPS listener, the OpenAPI document's own included. */
export function adminApiRoutes(deps: AdminServerDeps): ApiRoute[] {
  const routes: ApiRoute[] = [
    ...sessionRoutes(deps), ...setupRoutes(deps), ...domainRoutes(deps), ...userRoutes(deps), ...mobileconfigRoutes(deps),
    ...aliasRoutes(deps), ...queueRoutes(deps), ...observabilityRoutes(deps), ...clientSetupRoutes(deps),
    ...tlsRoutes(deps),
    ...firewallRoutes(deps),
    ...backupRoutes(deps),
    ...serviceRoutes(deps),
    ...updatesRoutes(deps),
    ...quotaRoutes(deps),
    ...listRoutes(deps),
    ...forwardRoutes(deps),
  ];
  let document: Record<string, unknown> | null = null;
  routes.push(route({
    method: 'get', path: '/api/v1/openapi.json', tag: 'system', access: 'public', summary: 'This document',
    async handle() { return (document ??= buildOpenApi(routes, deps.version)); },
  }));
  return routes;
}

export function createAdminApp(deps: AdminServerDeps): { app: Express; routes: ApiRoute[] } {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  const routes = adminApiRoutes(deps);
  const api = express.Router();
  mountApi(api, routes, deps);
  app.use(api);
  app.use('/api', (req: Request, res: Response) => {
    sendError(res, new ApiError(404, 'not_found', `no such API route: ${req.method} ${req.originalUrl.split('?')[0]}`), deps.logger, req);
  });
  app.use(panelRouter(deps.panelDir));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => sendError(res, err, deps.logger, req));
  return { app, routes };
}
