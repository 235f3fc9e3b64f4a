// Forwarders (addresses whose mail is also, or only, sent on to outside addresses with an SRS
// sender), through the mail daemon's control API.

import { z } from 'zod';
import type { Forward } from '../../shared/api-types.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

export function forwardRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/forwards', tag: 'mail', access: 'session', summary: 'Forwarders',
      query: [{ name: 'domain', description: 'only this domain\'s forwarders' }],
      async handle({ query }): Promise<Forward[]> { return deps.control.listForwards(query.get('domain') ?? undefined); },
    }),
    route({
      method: 'post', path: '/api/v1/forwards', tag: 'mail', access: 'session',
      summary: 'Set a forwarder (creates or replaces; keepCopy defaults to whether the address has a mailbox)',
      body: z.strictObject({
        address: z.string().min(1).max(320),
        targets: z.union([z.array(z.string().max(320)).max(100), z.string().max(32_000)]),
        keepCopy: z.boolean().nullable().optional(),
      }),
      response: { status: 201, description: 'Set' },
      audit: { action: 'forward.set', target: ({ body }) => body.address },
      async handle({ body }) {
        return new Reply(201, await deps.control.setForward({ address: body.address, targets: body.targets, ...(typeof body.keepCopy === 'boolean' ? { keepCopy: body.keepCopy } : {}) }));
      },
    }),
    route({
      method: 'delete', path: '/api/v1/forwards/{address}', tag: 'mail', access: 'session', summary: 'Remove a forwarder',
      audit: { action: 'forward.remove', target: ({ params }) => params.address! },
      async handle({ params }) { return deps.control.removeForward(params.address!); },
    }),
  ];
}
