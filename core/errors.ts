// Typed errors with stable codes. `code` is for scripts and tests, `message` is safe to show a
// user or client, `cause` is logged and never sent over the wire.

export class MailroomError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad input from a user, a client or a config file; nothing was changed. */
export class InputError extends MailroomError {}

/** A thing that was asked for does not exist (unknown domain, user, message). */
export class NotFoundError extends MailroomError {}

/** A thing exists already (duplicate user, domain, alias). */
export class ConflictError extends MailroomError {}

/** The config file is invalid; `issues` carries every problem with its path. */
export class ConfigError extends MailroomError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super('config_invalid', `invalid config:\n  ${issues.join('\n  ')}`);
    this.issues = issues;
  }
}

/** A temporary condition: the caller may retry later (disk low, store busy). */
export class TemporaryError extends MailroomError {}
