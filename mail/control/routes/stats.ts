// GET /v1/stats: today's counters and the queue's size.

import type { ControlDeps } from '../control-deps.js';
import { ok, type ControlRoute } from '../control-router.js';
import { summarizeQueue } from '../queue-view.js';

export function statsRoutes(deps: ControlDeps): ControlRoute[] {
  return [{
    method: 'GET', path: '/v1/stats',
    async handle() { return ok(deps.tap.stats.snapshot(summarizeQueue(deps.spool.list()))); },
  }];
}
