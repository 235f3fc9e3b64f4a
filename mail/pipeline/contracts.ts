// Policy checks return values, never replies. One function (session/smtp/reply-for-check.ts)
// maps a CheckResult to an SMTP reply, so every check speaks the same way.

export type CheckResult =
  /** `reason` (optional) is for the log only, e.g. "clamd: clean" or why a check was skipped. */
  | { action: 'accept'; reason?: string }
  /** Refused for good: 5xx. */
  | { action: 'reject'; code: number; enhanced: string; message: string; reason: string }
  /** Try again later: 4xx. */
  | { action: 'defer'; code: number; enhanced: string; message: string; reason: string }
  /** Accept, but file into the recipient's Junk folder. */
  | { action: 'junk'; reason: string; headers?: [string, string][]; dropHeaders?: string[] }
  /** Accept and add these header fields. */
  | { action: 'add-headers'; headers: [string, string][]; reason?: string; dropHeaders?: string[] };
// `headers` go on top of the stored message, after our trace fields. `dropHeaders` names fields
// (case-insensitive) to remove from the message's own header section before it is stored: a
// check that vouches for a field (X-Spam) must not leave a sender's forged copy beside its own,
// and a check that rewrites one (Subject) drops the original.

export const ACCEPT: CheckResult = Object.freeze({ action: 'accept' });

/** What a check may look at. Fields fill in as the SMTP transaction goes on. */
export interface CheckContext {
  connectionId: string;
  remoteAddress: string;
  remoteHostname: string | null;
  helo: string | null;
  tls: boolean;
  authenticatedUser: string | null;
  mailFrom: string | null; // "" for the null sender
  recipients: string[];
  /** At the DATA stage: the queue id of the message, for the checks' own log lines. */
  queueId?: string | null;
}

/** A check at one or more stages of the SMTP transaction; stages it does not implement pass. */
export interface Check {
  readonly name: string;
  connect?(ctx: CheckContext): Promise<CheckResult>;
  mailFrom?(ctx: CheckContext): Promise<CheckResult>;
  rcptTo?(ctx: CheckContext, recipient: string): Promise<CheckResult>;
  /** After the body: `message` streams the raw message, headers included. */
  data?(ctx: CheckContext, message: { size: number; open(): AsyncIterable<Buffer> }): Promise<CheckResult>;
}
