// The admin REST API as seen from the panel: same-origin fetch with the session cookie, JSON
// in and out, refusals as ApiRequestError carrying the API's stable code.

import type { ApiErrorBody } from '../../shared/api-types.js';

export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** Called when any request finds the session gone (401 unauthenticated), to show the login. */
let onUnauthenticated: () => void = () => undefined;
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  const e = (value as ApiErrorBody | null)?.error;
  return typeof e?.code === 'string' && typeof e.message === 'string';
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiRequestError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    const code = isErrorBody(json) ? json.error.code : `http_${res.status}`;
    const message = isErrorBody(json) ? json.error.message : `${res.status} ${res.statusText}`;
    if (res.status === 401 && code === 'unauthenticated') onUnauthenticated();
    throw new ApiRequestError(res.status, code, message);
  }
  return json as T;
}

/** Path segments such as addresses ("a@b.test") and queue ids, escaped. */
export const seg = (value: string) => encodeURIComponent(value);
