// The outbound queue: list, summary, retry now, remove (as `mailroom queue ls|retry|rm`). Unlike
// the CLI, a retry here kicks the running queue runner at once instead of waiting for its poll.

import type { ControlDeps } from '../control-deps.js';
import { ok, type ControlRoute } from '../control-router.js';
import { queueMessageToWire, summarizeQueue } from '../queue-view.js';

export function queueRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    {
      method: 'GET', path: '/v1/queue',
      async handle() { return ok(deps.spool.list().map(queueMessageToWire)); },
    },
    {
      method: 'GET', path: '/v1/queue/summary',
      async handle() { return ok(summarizeQueue(deps.spool.list())); },
    },
    {
      method: 'POST', path: '/v1/queue/:id/retry',
      async handle({ params }) {
        const due = await deps.spool.retryNow(params.id!);
        deps.kickQueue();
        deps.tap.queueChanged();
        return ok({ id: params.id, due });
      },
    },
    {
      method: 'DELETE', path: '/v1/queue/:id',
      async handle({ params }) {
        await deps.spool.remove(params.id!);
        deps.tap.queueChanged();
        return ok({ removed: params.id });
      },
    },
  ];
}
