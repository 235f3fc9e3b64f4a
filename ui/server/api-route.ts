// One route of the admin API, declared once: its method and path, who may call it, its request
// body's schema, what it records in the audit log, and its handler. mount-api.ts turns the list
// into express routes with the checks in a fixed order, and openapi.ts into the OpenAPI
// document, so the document cannot forget a route or misstate who may call it.

import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Session } from './auth/session-store.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** public: anyone; session: a logged-in admin; metrics: the /metrics bearer token. */
export type Access = 'public' | 'session' | 'metrics';

export interface ApiContext<Body = unknown> {
  req: Request;
  res: Response;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body;
  /** Set for `session` routes. */
  session: Session | null;
  ip: string;
}

export interface ApiRoute<Body = unknown> {
  method: HttpMethod;
  /** OpenAPI-style path: "/api/v1/users/{address}". */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /** The JSON body's schema; invalid bodies get 400 invalid_request before the handler runs. */
  body?: z.ZodType<Body>;
  /** Instead of JSON: the body as text of this media type (autodiscover's XML), 16 KB at most. */
  textBody?: string;
  query?: { name: string; description: string; type?: 'string' | 'integer' }[];
  /** The 2xx answer, for the document. */
  response?: { status?: number; description: string; contentType?: string; schema?: Record<string, unknown> };
  /** Recorded in the audit log after the handler, with its outcome. */
  audit?: { action: string; target?: (ctx: ApiContext<Body>) => string | null };
  handle(ctx: ApiContext<Body>): Promise<unknown>;
}

/** A handler's answer with a status other than 200. */
export class Reply {
  constructor(readonly status: number, readonly body: unknown) {}
}

/** The handler has written the response itself. */
export const SENT = Symbol('sent');

/** Keeps the body's type when declaring a route. */
export function route<Body>(r: ApiRoute<Body>): ApiRoute<unknown> {
  return r as unknown as ApiRoute<unknown>;
}
