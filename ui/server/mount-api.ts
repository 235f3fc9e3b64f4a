// Mounts ApiRoute declarations on an express router. Every request passes, in this order:
//   1. a state-changing request (POST/PUT/DELETE) from a foreign origin: 403 foreign_origin
//   2. access: a `session` route without a live session: 401 unauthenticated; a `metrics` route
//      without the bearer token: 401 with WWW-Authenticate
//   3. the JSON body (64 KB at most), checked against the route's schema: 400 invalid_request
//   4. the handler; its value is sent as JSON (200, or a Reply's status)
//   5. the audit line, for routes that change something, with the outcome
// Errors of any step become {error: {code, message}} with their status.

import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { MailroomError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { ApiError, errorResponse, unauthenticated } from './api-error.js';
import { Reply, SENT, type ApiContext, type ApiRoute } from './api-route.js';
import { checkOrigin, isStateChanging } from './auth/origin-policy.js';
import { sessionToken } from './auth/session-cookie.js';
import type { Session, SessionStore } from './auth/session-store.js';
import type { AdminAccounts, AuditTrail } from './deps.js';
import { requestIp } from './request-ip.js';

export interface MountDeps {
  sessions: SessionStore;
  admins: Pick<AdminAccounts, 'get'>;
  audit: AuditTrail;
  metricsToken: string;
  logger: Logger;
}

const jsonParser = express.json({ limit: '64kb', type: ['application/json', 'application/*+json'] });
// Whatever type a client claims: Outlook sends text/xml, others application/xml or nothing.
const textParser = express.text({ limit: '16kb', type: () => true });

function parseWith(parser: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => parser(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
}

/** "/api/v1/users/{address}" -> "/api/v1/users/:address" */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/** The live session of the request, if any; its admin must still exist. */
export function sessionOf(req: Request, deps: Pick<MountDeps, 'sessions' | 'admins'>): Session | null {
  const token = sessionToken(req.headers.cookie);
  if (!token) return null;
  const session = deps.sessions.use(token);
  if (!session) return null;
  if (!deps.admins.get(session.username)) {
    // Removed with `mailroom admin rm` while logged in.
    deps.sessions.destroyUser(session.username);
    return null;
  }
  return session;
}

export function sendError(res: Response, err: unknown, logger: Logger, req: Request): void {
  const { status, body, headers } = errorResponse(err);
  if (status >= 500 && status !== 503) logger.error('admin API request failed', { method: req.method, path: req.path, err });
  if (res.headersSent) { res.destroy(); return; }
  res.status(status).set({ 'cache-control': 'no-store', ...headers }).json(body);
}

export function mountApi(router: Router, routes: readonly ApiRoute[], deps: MountDeps): void {
  for (const r of routes) {
    const handler: RequestHandler = async (req: Request, res: Response, _next: NextFunction) => {
      const ip = requestIp(req);
      let ctx: ApiContext | null = null;
      try {
        if (isStateChanging(req.method)) {
          const verdict = checkOrigin(req.headers);
          if (!verdict.ok) throw new ApiError(403, 'foreign_origin', `refused: ${verdict.reason}`);
        }
        let session: Session | null = null;
        if (r.access === 'session') {
          session = sessionOf(req, deps);
          if (!session) throw unauthenticated();
        } else if (r.access === 'metrics' && !bearerMatches(req.headers.authorization, deps.metricsToken)) {
          throw new ApiError(401, 'unauthenticated', 'a bearer token is required', { 'www-authenticate': 'Bearer realm="mailroom-metrics"' });
        }
        let body: unknown = undefined;
        if (r.textBody) {
          await parseWith(textParser, req, res);
          body = typeof req.body === 'string' ? req.body : '';
        } else if (r.body) {
          await parseWith(jsonParser, req, res);
          const parsed = r.body.safeParse(req.body ?? undefined);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
            throw new ApiError(400, 'invalid_request', `invalid request body (${issues})`);
          }
          body = parsed.data;
        }
        const url = new URL(req.originalUrl, 'https://agent.invalid');
        ctx = { req, res, params: req.params as Record<string, string>, query: url.searchParams, body, session, ip };
        const result = await r.handle(ctx);
        if (r.audit) record(deps.audit, r, ctx, 'ok');
        if (result === SENT) return;
        res.set('cache-control', 'no-store');
        if (result instanceof Reply) res.status(result.status).json(result.body);
        else res.json(result ?? null);
      } catch (err) {
        if (r.audit && ctx) record(deps.audit, r, ctx, errorResponse(err).status >= 500 ? 'error' : 'refused', err instanceof MailroomError ? err.code : 'internal');
        sendError(res, err, deps.logger, req);
      }
    };
    router[r.method](expressPath(r.path), handler);
  }
}

function record(audit: AuditTrail, r: ApiRoute, ctx: ApiContext, outcome: 'ok' | 'refused' | 'error', code?: string): void {
  let target: string | null = null;
  try {
    target = r.audit!.target ? r.audit!.target(ctx) : null;
  } catch {
    target = null;
  }
  audit.record({ actor: ctx.session?.username ?? 'anonymous', ip: ctx.ip, action: r.audit!.action, target, outcome, ...(code ? { code } : {}) });
}
