// A refused POP3 command: a stable code for logs and tests, the -ERR text the client sees (with
// an RFC 2449/3206 response code where one applies), and a cause that is logged, never sent.

import { MailroomError } from '../../../core/errors.js';
import type { Pop3RespCode } from '../../protocol/pop3/response.js';

export class Pop3Error extends MailroomError {
  readonly respCode: Pop3RespCode | undefined;
  /** Counts against limits.maxErrors (a client's mistake, not ours). */
  readonly clientError: boolean;

  constructor(code: string, text: string, options: { respCode?: Pop3RespCode; cause?: unknown; clientError?: boolean } = {}) {
    super(code, text, options.cause === undefined ? undefined : { cause: options.cause });
    this.respCode = options.respCode;
    this.clientError = options.clientError ?? true;
  }
}

export const pop3Errors = {
  noSuchMessage: () => new Pop3Error('pop3_no_such_message', 'No such message'),
  deleted: () => new Pop3Error('pop3_message_deleted', 'Message is deleted'),
  needsTls: () => new Pop3Error('pop3_needs_tls', 'Use STLS (or the TLS port) before sending a password', { respCode: 'SYS/PERM' }),
  authFailed: () => new Pop3Error('pop3_auth_failed', 'Authentication failed', { respCode: 'AUTH' }),
  inUse: () => new Pop3Error('pop3_in_use', 'Mailbox is in use by another POP3 session', { respCode: 'IN-USE', clientError: false }),
  temporary: (cause: unknown) => new Pop3Error('pop3_temporary', 'Temporary server failure, try again later', { respCode: 'SYS/TEMP', cause, clientError: false }),
};
