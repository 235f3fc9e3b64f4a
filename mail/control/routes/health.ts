// GET /v1/health: the daemon answers (the agent's "service down" alert asks this).

import type { ControlDeps } from '../control-deps.js';
import type { ControlHealth } from '../control-protocol.js';
import { ok, type ControlRoute } from '../control-router.js';

export function healthRoutes(deps: ControlDeps): ControlRoute[] {
  return [{
    method: 'GET', path: '/v1/health',
    async handle() {
      const body: ControlHealth = {
        status: 'ok', pid: process.pid, version: deps.version, startedAt: deps.startedAt.toISOString(),
        uptime: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      };
      return ok(body);
    },
  }];
}
