// How the control API reports a refusal: the error's stable code and its user-safe message in
// `{error: {code, message}}`, with the HTTP status its class means. The cause is logged by the
// server and never sent.

import { ConflictError, InputError, MailroomError, NotFoundError, TemporaryError } from '../../core/errors.js';
import type { ControlErrorBody } from './control-protocol.js';

/** A request the control API itself refuses (bad JSON, unknown route, wrong method). */
export class ControlRequestError extends MailroomError {
  constructor(readonly status: number, code: string, message: string) {
    super(code, message);
  }
}

export function statusForError(err: unknown): number {
  if (err instanceof ControlRequestError) return err.status;
  if (err instanceof InputError) return 400;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof TemporaryError) return 503;
  return 500;
}

/** The body for an error; anything that is not a MailroomError is an internal error, unexplained. */
export function errorBody(err: unknown): ControlErrorBody {
  if (err instanceof MailroomError && statusForError(err) !== 500) return { error: { code: err.code, message: err.message } };
  return { error: { code: 'internal', message: 'internal error (see the mail daemon log)' } };
}
