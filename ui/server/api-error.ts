// Errors of the admin API and how every error becomes `{error: {code, message}}` with a
// status. Errors from the mail daemon's control API keep the daemon's status, code and message
// (the directory's rules, the same words as the CLI); causes are logged, never sent.

import { ConflictError, InputError, MailroomError, NotFoundError, TemporaryError } from '../../core/errors.js';
import type { ApiErrorBody } from '../shared/api-types.js';

export class ApiError extends MailroomError {
  constructor(readonly status: number, code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(code, message);
  }
}

export const unauthenticated = () => new ApiError(401, 'unauthenticated', 'log in first');

/** body-parser's errors carry `type` and `status`. */
interface ParserError { type?: unknown; status?: unknown; statusCode?: unknown }

export function errorResponse(err: unknown): { status: number; body: ApiErrorBody; headers: Record<string, string> } {
  const body = (code: string, message: string): ApiErrorBody => ({ error: { code, message } });
  if (err instanceof ApiError) return { status: err.status, body: body(err.code, err.message), headers: err.headers };
  if (err instanceof MailroomError) {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as unknown as { status: number }).status
      : err instanceof InputError ? 400 : err instanceof NotFoundError ? 404 : err instanceof ConflictError ? 409 : err instanceof TemporaryError ? 503 : 500;
    if (status < 500 || status === 503) return { status, body: body(err.code, err.message), headers: {} };
  }
  const p = err as ParserError | null;
  if (p && typeof p.type === 'string') {
    if (p.type === 'entity.parse.failed') return { status: 400, body: body('invalid_json', 'the request body is not valid JSON'), headers: {} };
    if (p.type === 'entity.too.large') return { status: 413, body: body('body_too_large', 'the request body is too large'), headers: {} };
    if (p.type === 'encoding.unsupported' || p.type === 'charset.unsupported') return { status: 415, body: body('unsupported_media_type', 'the request body must be UTF-8 JSON'), headers: {} };
  }
  return { status: 500, body: body('internal', 'internal error (see the agent log)'), headers: {} };
}
