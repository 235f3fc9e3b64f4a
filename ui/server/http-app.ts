// The agent's plain-HTTP application (listen.http, port 80 on the appliance): mail client
// autoconfig and autodiscover (clients look there first), the ACME HTTP-01 challenges,
// and a redirect to the HTTPS panel for everything else. Nothing here needs or accepts a
// session: the session cookie is Secure and never sent over plain HTTP.

import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { normalizeDomain } from '../../core/address.js';
import type { AdminServerDeps } from './deps.js';
import { mountApi, sendError } from './mount-api.js';
import { clientSetupRoutes } from './routes/client-setup.js';

export interface HttpAppOptions {
  /** The HTTPS listener's port, for the redirect (443 is left out of the URL). */
  httpsPort: number | null;
}

/** The host to redirect to: the one the client asked for when it is a plain name or address, else ours. */
function redirectHost(req: Request, fallback: string): string {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host === 'localhost') return host;
  if (/^\[[0-9a-fA-F:.]+\]$/.test(host)) return host;
  return normalizeDomain(host) ?? fallback;
}

export function createHttpApp(deps: AdminServerDeps, options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const router = express.Router();
  mountApi(router, clientSetupRoutes(deps), deps);
  app.use(router);
  // ACME HTTP-01 (RFC 8555 section 8.3): pending challenges from the agent's challenge store,
  // before the redirect (a CA follows redirects, but only to port 80 or 443, and the panel's
  // port need not be either).
  app.get('/.well-known/acme-challenge/:token', (req, res, next) => {
    const acme = deps.acme;
    if (!acme) { res.status(404).type('text').send('no such challenge\n'); return; }
    acme.challenge(req.params.token).then((answer) => {
      if (answer === null) { res.status(404).type('text').send('no such challenge\n'); return; }
      res.set('cache-control', 'no-store').type('application/octet-stream').send(answer);
    }, next);
  });
  app.use((req: Request, res: Response) => {
    if (options.httpsPort === null) { res.status(404).type('text').send('not found\n'); return; }
    const port = options.httpsPort === 443 ? '' : `:${options.httpsPort}`;
    res.redirect(301, `https://${redirectHost(req, deps.hostname)}${port}${req.originalUrl}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => sendError(res, err, deps.logger, req));
  return app;
}
