// The OpenAPI 3.1 document of the admin API, built from the same route list that is mounted
// (GET /api/v1/openapi.json). Request body schemas come from the routes' zod schemas; every
// operation states who may call it (`security`: [] for public ones), which the security tests
// walk.

import { z } from 'zod';
import type { ApiRoute } from './api-route.js';
import { SESSION_COOKIE } from './auth/session-cookie.js';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function operationId(r: ApiRoute): string {
  const words = r.path.replace(/^\/api\/v1/, '').split(/[/{}.-]+/).filter(Boolean);
  return r.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

export function buildOpenApi(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = (r.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: { type: q.type ?? 'string' } }));
    const ok = r.response ?? { description: 'OK' };
    const responses: Record<string, unknown> = {
      [String(ok.status ?? 200)]: {
        description: ok.description,
        ...(ok.status === 204 ? {} : { content: { [ok.contentType ?? 'application/json']: { schema: ok.schema ?? {} } } }),
      },
      default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    };
    if (r.access !== 'public') responses['401'] = { description: r.access === 'metrics' ? 'No or wrong bearer token' : 'Not logged in', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    if (r.method !== 'get') responses['403'] = { description: 'A foreign Origin', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    (paths[r.path] ??= {})[r.method] = {
      operationId: operationId(r),
      summary: r.summary,
      tags: [r.tag],
      security: r.access === 'public' ? [] : r.access === 'metrics' ? [{ metricsToken: [] }] : [{ session: [] }],
      ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      ...(r.textBody ? { requestBody: { required: true, content: { [r.textBody]: { schema: { type: 'string' } } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mailroom admin API',
      version,
      description: 'The agent\'s REST API behind the admin panel. Log in with POST /api/v1/session; the session cookie then authenticates every call. '
        + 'State-changing requests must come from the panel\'s own origin. Live data: the websocket at /api/v1/events (types in ui/shared/ws-messages.ts).',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        metricsToken: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
