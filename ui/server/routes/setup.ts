// First-run setup: while no admin exists, `mailroom agent` prints a one-time token; POST
// /api/v1/setup {token, username, password} with it creates the first admin and logs them in.
// Then the token is spent, and with any admin in place setup is closed for good.

import { z } from 'zod';
import type { SetupStatus } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';
import { penalize, refuseWhileThrottled, sessionInfo, startSession } from './session.js';

const setupBody = z.strictObject({
  token: z.string().min(1).max(200),
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(4096),
});

export function setupRoutes(deps: AdminServerDeps): ApiRoute[] {
  const required = () => deps.setup.active && deps.admins.count() === 0;
  return [
    route({
      method: 'get', path: '/api/v1/setup', tag: 'session', access: 'public',
      summary: 'Whether the appliance still needs its first admin',
      async handle(): Promise<SetupStatus> {
        return { required: required() };
      },
    }),
    route({
      method: 'post', path: '/api/v1/setup', tag: 'session', access: 'public', body: setupBody,
      summary: 'Create the first admin with the one-time setup token (then logged in)',
      response: { status: 201, description: 'The admin exists and is logged in' },
      async handle({ body, ip, res }) {
        refuseWhileThrottled(deps, ip);
        if (deps.admins.count() > 0) {
          deps.setup.expire();
          throw new ApiError(409, 'setup_done', 'an admin exists already; log in instead');
        }
        if (!deps.setup.matches(body.token)) {
          deps.audit.record({ actor: 'anonymous', ip, action: 'admin.setup', target: null, outcome: 'refused', code: 'setup_token_invalid' });
          await penalize(deps, ip, null);
          throw new ApiError(403, 'setup_token_invalid', 'wrong setup token (it is printed in the agent\'s log at start)');
        }
        const admin = await deps.admins.addFirst(body.username, body.password);
        deps.setup.expire();
        deps.throttle.succeed(ip, admin.name);
        deps.audit.record({ actor: admin.name, ip, action: 'admin.setup', target: admin.name, outcome: 'ok' });
        deps.logger.info('first admin created with the setup token', { admin: admin.name, ip });
        const session = startSession(deps, res, admin.name, ip);
        return new Reply(201, sessionInfo(session, false));
      },
    }),
  ];
}
