// Growing delays for failed logins and setup-token guesses, through the mail accounts' penalty
// table (mail/auth/auth-penalty.ts): each failure from an address doubles the wait (1 s, 2 s,
// 4 s ... 30 s). The failed answer itself is held for that long, and while it is held every
// other attempt from the same address is refused at once with 429, so parallel guessing gains
// nothing. A success clears the address. Failures also count per account name, so guessing one
// admin's password from many addresses slows down too.

import { AuthPenalty, type AuthPenaltyOptions } from '../../../mail/auth/auth-penalty.js';

export class LoginThrottle {
  private readonly penalty: AuthPenalty;
  private readonly blockedUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: AuthPenaltyOptions = {}) {
    this.penalty = new AuthPenalty(options);
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds this address must still wait before its next attempt (0: go ahead). */
  waitFor(ip: string): number {
    const until = this.blockedUntil.get(ip);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) { this.blockedUntil.delete(ip); return 0; }
    return left;
  }

  /** Records a failure; returns how long to hold the answer. */
  fail(ip: string, account: string | null): number {
    const byIp = this.penalty.fail(`ip:${ip}`);
    const byAccount = account ? this.penalty.fail(`admin:${account}`) : 0;
    const delay = Math.max(byIp, byAccount);
    this.blockedUntil.set(ip, this.now() + delay);
    if (this.blockedUntil.size > 100_000) this.blockedUntil.delete(this.blockedUntil.keys().next().value!);
    return delay;
  }

  succeed(ip: string, account: string): void {
    this.penalty.succeed(`ip:${ip}`);
    this.penalty.succeed(`admin:${account}`);
    this.blockedUntil.delete(ip);
  }
}
