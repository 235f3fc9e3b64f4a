// A refused ManageSieve command: a stable code for logs and tests, the response code the client
// sees (RFC 5804 section 1.3: NONEXISTENT, ACTIVE, QUOTA/MAXSIZE ...), and a safe message.

import { response } from '../../protocol/managesieve/index.js';

export class ManageSieveError extends Error {
  readonly clientError: boolean;
  constructor(
    readonly code: string, message: string,
    readonly responseCode: string | null = null,
    options: { cause?: unknown; clientError?: boolean } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ManageSieveError';
    this.clientError = options.clientError ?? true;
  }

  toResponse(): string {
    return response('NO', this.message, this.responseCode);
  }
}

export const manageSieveErrors = {
  temporary: (cause: unknown) => new ManageSieveError('managesieve_internal', 'Internal error, try again later', 'TRYLATER', { cause, clientError: false }),
  needsAuth: () => new ManageSieveError('managesieve_not_authenticated', 'Authenticate first'),
  encryptNeeded: () => new ManageSieveError('managesieve_encrypt_needed', 'Use STARTTLS before authenticating', 'ENCRYPT-NEEDED'),
  authFailed: () => new ManageSieveError('managesieve_auth_failed', 'Authentication failed', 'AUTH-TOO-WEAK'),
  nonexistent: (name: string) => new ManageSieveError('managesieve_nonexistent', `There is no script named "${name}"`, 'NONEXISTENT'),
  syntax: (what: string) => new ManageSieveError('managesieve_syntax', what),
};
