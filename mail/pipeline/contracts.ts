// Policy checks return values, never replies. One function (session/smtp/reply-for-check.ts)
// maps a CheckResult to an SMTP reply, so every check speaks the same way.

export type CheckResult =
  | { action: 'accept' }
  /** Refused for good: 5xx. */
  | { action: 'reject'; code: number; enhanced: string; message: string; reason: string }
  /** Try again later: 4xx. */
  | { action: 'defer'; code: number; enhanced: string; message: string; reason: string }
  /** Accept, but file into the recipient's Junk folder. */
  | { action: 'junk'; reason: string; headers?: [string, string][] }
  /** Accept and add these header fields. */
  | { action: 'add-headers'; headers: [string, string][] };

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
