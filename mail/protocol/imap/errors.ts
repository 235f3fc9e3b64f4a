// Why a client's IMAP input was refused. The reader and the parser never answer the client
// themselves (protocol/ is pure); they hand the session one of these, and the session turns it
// into `tag BAD [CODE] text`, `tag NO [CODE] text`, or `* BAD text` when no tag could be read.
// `code` is stable for logs and tests; `message` is short, safe to send, and has no CR/LF.

import { MailroomError } from '../../../core/errors.js';

/** The reply status the session should use for this error. */
export type ImapErrorStatus = 'BAD' | 'NO';

export interface ImapParseErrorOptions {
  /** The command's tag when it could be read, else null (answer with `* BAD`). */
  tag?: string | null;
  /** BAD for syntax and protocol violations; NO for a well-formed request we refuse (APPENDLIMIT). */
  status?: ImapErrorStatus;
  /** Response code to put in brackets, e.g. TOOBIG, BADCHARSET, CLIENTBUG. */
  responseCode?: string;
  /**
   * The connection cannot be resynchronised (e.g. the client promised an absurd number of
   * non-synchronising literal octets, or flooded us while we were paused): answer, then close.
   */
  fatal?: boolean;
  cause?: unknown;
}

export class ImapParseError extends MailroomError {
  readonly tag: string | null;
  readonly status: ImapErrorStatus;
  readonly responseCode: string | undefined;
  readonly fatal: boolean;
  constructor(code: string, message: string, options: ImapParseErrorOptions = {}) {
    super(code, message.replace(/[\r\n]+/g, ' '), { cause: options.cause });
    this.tag = options.tag ?? null;
    this.status = options.status ?? 'BAD';
    this.responseCode = options.responseCode;
    this.fatal = options.fatal ?? false;
  }

  /** The same error, attributed to a tag learnt later. */
  withTag(tag: string | null): ImapParseError {
    if (this.tag === tag) return this;
    return new ImapParseError(this.code, this.message, {
      tag, status: this.status, responseCode: this.responseCode, fatal: this.fatal, cause: this.cause,
    });
  }
}

/** Stable codes, so sessions and tests do not match on message text. */
export const ImapErrorCode = {
  syntax: 'imap_syntax',
  unknownCommand: 'imap_unknown_command',
  badTag: 'imap_bad_tag',
  lineTooLong: 'imap_line_too_long',
  commandTooLarge: 'imap_command_too_large',
  literalTooLarge: 'imap_literal_too_large',
  nonSyncLiteralTooLarge: 'imap_non_sync_literal_too_large',
  nonSyncLiteralRefused: 'imap_non_sync_literal_refused',
  literalSizeInvalid: 'imap_literal_size_invalid',
  appendTooLarge: 'imap_append_too_large',
  appendTrailingData: 'imap_append_trailing_data',
  pendingOverflow: 'imap_pending_overflow',
  idleExpectedDone: 'imap_idle_expected_done',
  mailboxNameInvalid: 'imap_mailbox_name_invalid',
  badCharset: 'imap_bad_charset',
  numberOutOfRange: 'imap_number_out_of_range',
  dateInvalid: 'imap_date_invalid',
} as const;
