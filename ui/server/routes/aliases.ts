// Aliases (and @domain catch-alls), through the mail daemon's control API.

import { z } from 'zod';
import type { Alias } from '../../shared/api-types.js';
import { Reply, route, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

export function aliasRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/aliases', tag: 'mail', access: 'session', summary: 'Aliases and catch-alls',
      query: [{ name: 'domain', description: 'only this domain\'s aliases' }],
      async handle({ query }): Promise<Alias[]> { return deps.control.listAliases(query.get('domain') ?? undefined); },
    }),
    route({
      method: 'post', path: '/api/v1/aliases', tag: 'mail', access: 'session', summary: 'Add an alias (address "@domain" is the catch-all)',
      body: z.strictObject({ address: z.string().min(1).max(320), targets: z.union([z.array(z.string().max(320)).max(1000), z.string().max(32_000)]) }),
      response: { status: 201, description: 'Added' },
      audit: { action: 'alias.add', target: ({ body }) => body.address },
      async handle({ body }) { return new Reply(201, await deps.control.addAlias(body.address, body.targets)); },
    }),
    route({
      method: 'delete', path: '/api/v1/aliases/{address}', tag: 'mail', access: 'session', summary: 'Remove an alias',
      audit: { action: 'alias.remove', target: ({ params }) => params.address! },
      async handle({ params }) { return deps.control.removeAlias(params.address!); },
    }),
  ];
}
