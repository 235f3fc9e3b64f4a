// Per-user sending limits on the submission ports: messages and recipients per sliding hour
// (limits.submission.*). A compromised account then sends at most that much before someone
// notices. In memory, per process; over a limit the client is told 450 4.7.1 and may retry.

import type { CheckResult } from '../../pipeline/contracts.js';
import { ACCEPT } from '../../pipeline/contracts.js';

const HOUR_MS = 3600_000;

export interface SenderRateLimitOptions {
  messagesPerHour: number;
  recipientsPerHour: number;
  now?: () => number;
}

interface Usage { messages: number[]; recipients: { at: number; count: number }[] }

export class SenderRateLimit {
  private readonly usage = new Map<string, Usage>();
  private readonly now: () => number;

  constructor(private readonly options: SenderRateLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** At MAIL FROM: may this user start another message? */
  checkMessage(userId: string): CheckResult {
    const u = this.current(userId);
    if (u.messages.length >= this.options.messagesPerHour) {
      return defer(`Message rate limit reached (${this.options.messagesPerHour} per hour), try again later`, 'messages per hour');
    }
    return ACCEPT;
  }

  /** At RCPT TO: would `inTransaction` recipients of the current message stay within the limit? */
  checkRecipients(userId: string, inTransaction: number): CheckResult {
    const u = this.current(userId);
    const sent = u.recipients.reduce((n, r) => n + r.count, 0);
    if (sent + inTransaction > this.options.recipientsPerHour) {
      return defer(`Recipient rate limit reached (${this.options.recipientsPerHour} per hour), try again later`, 'recipients per hour');
    }
    return ACCEPT;
  }

  /** A message was accepted. */
  record(userId: string, recipients: number): void {
    const u = this.current(userId);
    const at = this.now();
    u.messages.push(at);
    u.recipients.push({ at, count: recipients });
    this.usage.set(userId, u);
  }

  private current(userId: string): Usage {
    const u = this.usage.get(userId) ?? { messages: [], recipients: [] };
    const cutoff = this.now() - HOUR_MS;
    while (u.messages.length > 0 && u.messages[0]! <= cutoff) u.messages.shift();
    while (u.recipients.length > 0 && u.recipients[0]!.at <= cutoff) u.recipients.shift();
    if (u.messages.length === 0 && u.recipients.length === 0) this.usage.delete(userId);
    return u;
  }
}

function defer(message: string, reason: string): CheckResult {
  return { action: 'defer', code: 450, enhanced: '4.7.1', message, reason };
}
