// A refused IMAP command: a stable code for logs and tests, the status and text the client sees
// (with an RFC 5530 response code where one applies), and a cause that is logged, never sent.
// Handlers throw these; the engine turns them into `tag NO [CODE] text` or `tag BAD text`.

import { MailroomError } from '../../../core/errors.js';

export class ImapCommandError extends MailroomError {
  readonly status: 'NO' | 'BAD';
  /** Response code without brackets: TRYCREATE, NONEXISTENT, OVERQUOTA, AUTHENTICATIONFAILED ... */
  readonly responseCode: string | undefined;
  /** Counts against limits.maxErrors (a client's mistake, not ours). */
  readonly clientError: boolean;

  constructor(code: string, text: string, options: { status?: 'NO' | 'BAD'; responseCode?: string; cause?: unknown; clientError?: boolean } = {}) {
    super(code, text.replace(/[\r\n]+/g, ' '), options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? 'NO';
    this.responseCode = options.responseCode;
    this.clientError = options.clientError ?? true;
  }
}

export const imapErrors = {
  wrongState: (name: string) => new ImapCommandError('imap_wrong_state', `${name} is not valid in this state`, { status: 'BAD' }),
  noSuchMailbox: () => new ImapCommandError('imap_no_such_mailbox', 'No such mailbox', { responseCode: 'NONEXISTENT' }),
  tryCreate: () => new ImapCommandError('imap_try_create', 'No such mailbox', { responseCode: 'TRYCREATE' }),
  alreadyExists: () => new ImapCommandError('imap_mailbox_exists', 'Mailbox already exists', { responseCode: 'ALREADYEXISTS' }),
  readOnly: () => new ImapCommandError('imap_read_only', 'Mailbox is read-only (EXAMINE)', { responseCode: 'READ-ONLY' }),
  overQuota: () => new ImapCommandError('imap_over_quota', 'Quota exceeded', { responseCode: 'OVERQUOTA' }),
  needsTls: () => new ImapCommandError('imap_needs_tls', 'Use STARTTLS (or the TLS port) before sending a password', { responseCode: 'PRIVACYREQUIRED' }),
  authFailed: () => new ImapCommandError('imap_auth_failed', 'Authentication failed', { responseCode: 'AUTHENTICATIONFAILED' }),
  tooManySessions: () => new ImapCommandError('imap_too_many_sessions', 'Too many sessions for this account', { responseCode: 'LIMIT', clientError: false }),
  badSequence: () => new ImapCommandError('imap_bad_sequence', 'Invalid message sequence number', { status: 'BAD' }),
  temporary: (cause: unknown) => new ImapCommandError('imap_temporary', 'Temporary server failure, try again later', { responseCode: 'UNAVAILABLE', cause, clientError: false }),
};
