// Errors of a Sieve script. A syntax or validation error carries the line and column (1-based)
// where it was found, so `mailroom sieve set` and ManageSieve PUTSCRIPT can tell the author
// exactly where to look; a runtime error has no position (it depends on the message).

export interface Position {
  line: number;
  column: number;
}

/** The script cannot be compiled: it is never stored, and a stored one is never run. */
export class SieveSyntaxError extends Error {
  readonly code = 'sieve_syntax';
  constructor(readonly position: Position, readonly detail: string) {
    super(`line ${position.line}: column ${position.column}: ${detail}`);
    this.name = 'SieveSyntaxError';
  }
}

/** The script failed while it ran on one message: the delivery falls back to keeping it in INBOX. */
export class SieveRuntimeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'SieveRuntimeError';
  }
}
