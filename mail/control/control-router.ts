// The control API's routes: a method, a path pattern with `:name` segments, and a handler that
// returns a JSON value (or takes the response over, for the event stream). Small on purpose:
// the API has a dozen routes and one client.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ControlRequestError } from './control-errors.js';

export type ControlMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ControlRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (POST and PUT), else undefined. */
  body: unknown;
  req: IncomingMessage;
  res: ServerResponse;
}

/** A handler's answer: a JSON value with 200, or an explicit status. */
export type ControlReply = { status: number; body: unknown } | { streaming: true };

export interface ControlRoute {
  method: ControlMethod;
  /** e.g. "/v1/users/:address" */
  path: string;
  handle(request: ControlRequest): Promise<ControlReply>;
}

export const ok = (body: unknown): ControlReply => ({ status: 200, body });
export const created = (body: unknown): ControlReply => ({ status: 201, body });
/** The handler has written the response itself and keeps it open. */
export const STREAMING: ControlReply = { streaming: true };

interface CompiledRoute {
  route: ControlRoute;
  segments: string[];
}

export class ControlRouter {
  private readonly routes: CompiledRoute[];

  constructor(routes: ControlRoute[]) {
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  /** The route for a method and path with its decoded parameters; throws 404/405 refusals. */
  match(method: string, pathname: string): { route: ControlRoute; params: Record<string, string> } {
    const parts = pathname.split('/').slice(1);
    let pathMatched = false;
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    if (pathMatched) throw new ControlRequestError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}`);
    throw new ControlRequestError(404, 'not_found', `no such control route: ${pathname}`);
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(parts[i]!);
      } catch {
        return null;
      }
      if (value === '') return null;
      params[p.slice(1)] = value;
    } else if (p !== parts[i]) {
      return null;
    }
  }
  return params;
}
