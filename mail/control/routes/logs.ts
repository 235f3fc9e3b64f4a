// GET /v1/logs?limit=N&level=L&since=ISO: the daemon's most recent log lines, oldest first.

import type { ControlDeps } from '../control-deps.js';
import { ControlRequestError } from '../control-errors.js';
import { queryInt } from '../control-input.js';
import { ok, type ControlRoute } from '../control-router.js';
import { isLogLevel } from '../log-ring.js';

export function logRoutes(deps: ControlDeps): ControlRoute[] {
  return [{
    method: 'GET', path: '/v1/logs',
    async handle({ query }) {
      const level = query.get('level');
      if (level !== null && !isLogLevel(level)) throw new ControlRequestError(400, 'invalid_request', '"level" must be debug, info, warn or error');
      const sinceText = query.get('since');
      const since = sinceText === null ? undefined : new Date(sinceText);
      if (since && Number.isNaN(since.getTime())) throw new ControlRequestError(400, 'invalid_request', '"since" must be an ISO 8601 time');
      const limit = queryInt(query.get('limit'), 'limit', 200, deps.tap.logs.capacity);
      return ok(deps.tap.logs.recent({ limit, ...(level ? { level } : {}), ...(since ? { since } : {}) }));
    },
  }];
}
