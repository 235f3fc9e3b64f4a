// The outbound queue, through the mail daemon's control API.

import type { QueueResponse } from '../../shared/api-types.js';
import { route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

export function queueRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/queue', tag: 'mail', access: 'session', summary: 'The outbound queue: its summary and every message',
      async handle(): Promise<QueueResponse> {
        const [summary, messages] = await Promise.all([deps.control.queueSummary(), deps.control.listQueue()]);
        return { summary, messages };
      },
    }),
    route({
      method: 'post', path: '/api/v1/queue/{id}/retry', tag: 'mail', access: 'session', summary: 'Try a queued message\'s waiting recipients now',
      audit: { action: 'queue.retry', target: ({ params }) => params.id! },
      async handle({ params }) { return deps.control.retryQueued(params.id!); },
    }),
    route({
      method: 'delete', path: '/api/v1/queue/{id}', tag: 'mail', access: 'session', summary: 'Drop a queued message without delivering or bouncing it',
      audit: { action: 'queue.remove', target: ({ params }) => params.id! },
      async handle({ params }) { return deps.control.removeQueued(params.id!); },
    }),
  ];
}
