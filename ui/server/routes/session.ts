// Logging in and out: POST /api/v1/session {username, password, totp?}, GET (who am I),
// DELETE (log out). A failed login is answered only after the penalty delay, and further
// attempts from the same address meanwhile get 429 at once. An admin with TOTP enrolled gets
// 401 totp_required after a right password without a code, then must send both again.

import type { Response } from 'express';
import { z } from 'zod';
import type { SessionInfo } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import { clearedSessionCookie, sessionCookie, sessionToken } from '../auth/session-cookie.js';
import type { Session } from '../auth/session-store.js';
import type { AdminServerDeps } from '../deps.js';

const loginBody = z.strictObject({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(4096),
  totp: z.string().regex(/^\d{6}$/, 'must be the six digits of the authenticator app').optional(),
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function sessionInfo(session: Session, totp: boolean): SessionInfo {
  return { username: session.username, totp, expiresAt: new Date(session.expiresAt).toISOString() };
}

/** Starts a session for `username` and sets its cookie on the response. */
export function startSession(deps: Pick<AdminServerDeps, 'sessions'>, res: Response, username: string, ip: string): Session {
  const { token, session } = deps.sessions.create(username, ip);
  res.append('set-cookie', sessionCookie(token, (session.expiresAt - session.createdAt) / 1000));
  return session;
}

/** Refuses while an earlier failure from this address is still being paid for. */
export function refuseWhileThrottled(deps: Pick<AdminServerDeps, 'throttle'>, ip: string): void {
  const wait = deps.throttle.waitFor(ip);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new ApiError(429, 'too_many_attempts', `too many failed attempts; try again in ${seconds} s`, { 'retry-after': String(seconds) });
  }
}

/** Records a failure and holds the answer for the penalty's delay. */
export async function penalize(deps: Pick<AdminServerDeps, 'throttle'>, ip: string, account: string | null): Promise<void> {
  await sleep(deps.throttle.fail(ip, account));
}

export function sessionRoutes(deps: AdminServerDeps): ApiRoute[] {
  const actorName = (raw: string) => raw.trim().toLowerCase().slice(0, 64);
  return [
    route({
      method: 'post', path: '/api/v1/session', tag: 'session', access: 'public', body: loginBody,
      summary: 'Log in: sets the session cookie',
      response: { description: 'Logged in', schema: { type: 'object' } },
      async handle({ body, ip, res }) {
        refuseWhileThrottled(deps, ip);
        const admin = await deps.admins.verifyPassword(body.username, body.password);
        const actor = actorName(body.username);
        if (!admin) {
          deps.audit.record({ actor, ip, action: 'session.login', target: null, outcome: 'refused', code: 'login_failed' });
          await penalize(deps, ip, actor);
          throw new ApiError(401, 'login_failed', 'wrong username or password');
        }
        if (admin.totp) {
          // Only after the right password: a wrong one never learns whether a code is needed.
          if (body.totp === undefined) throw new ApiError(401, 'totp_required', 'enter the six-digit code of your authenticator app');
          if (!deps.admins.checkTotp(admin.name, body.totp)) {
            deps.audit.record({ actor: admin.name, ip, action: 'session.login', target: null, outcome: 'refused', code: 'totp_invalid' });
            await penalize(deps, ip, admin.name);
            throw new ApiError(401, 'totp_invalid', 'wrong or already used code');
          }
        }
        deps.throttle.succeed(ip, admin.name);
        const session = startSession(deps, res, admin.name, ip);
        deps.audit.record({ actor: admin.name, ip, action: 'session.login', target: null, outcome: 'ok' });
        return sessionInfo(session, admin.totp);
      },
    }),
    route({
      method: 'get', path: '/api/v1/session', tag: 'session', access: 'session',
      summary: 'The logged-in admin',
      async handle({ session }) {
        return sessionInfo(session!, deps.admins.get(session!.username)?.totp ?? false);
      },
    }),
    route({
      method: 'delete', path: '/api/v1/session', tag: 'session', access: 'session',
      summary: 'Log out: ends the session and clears the cookie',
      audit: { action: 'session.logout' },
      async handle({ req, res }) {
        const token = sessionToken(req.headers.cookie);
        if (token) deps.sessions.destroy(token);
        res.append('set-cookie', clearedSessionCookie());
        return new Reply(200, { loggedOut: true });
      },
    }),
  ];
}
