// Growing delays for failed logins and setup-token guesses, through the mail accounts' penalty
// table (mail/auth/auth-penalty.ts): each failure from an address doubles the wait (1 s, 2 s,
// 4 s ... 30 s). The failed answer itself is held for that long, and while it is held every
// other attempt from the same address is refused at once with 429, so parallel guessing gains
// nothing. A success clears the address. Failures also count per account name, so guessing one
// admin's password from many addresses slows down too.
//
// The same ban rule as the mail ports (mail/auth/ban-list.ts, config auth.ban): 10 failures
// from one address within 10 minutes ban it for an hour, during which every attempt from it is
// refused with 429 before the password is looked at, the right one included. Bans are per
// address only: failures in an admin's name from elsewhere never lock that admin out. Unlike
// the mail ports, a successful login clears its address's count: the panel has a handful of
// admins, and one who got in should not be banned by the next few typos.

import { AuthPenalty, type AuthPenaltyOptions } from '../../../mail/auth/auth-penalty.js';
import { BanList, type BanListOptions } from '../../../mail/auth/ban-list.js';

export interface LoginThrottleOptions extends AuthPenaltyOptions {
  /** The ban rule (defaults: 10 failures in 10 minutes, 1 hour); `onBan` hears of each new ban. */
  ban?: BanListOptions;
}

export class LoginThrottle {
  private readonly penalty: AuthPenalty;
  readonly bans: BanList;
  private readonly blockedUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    const { ban, ...penalty } = options;
    this.penalty = new AuthPenalty(penalty);
    this.now = options.now ?? Date.now;
    this.bans = new BanList({ ...(options.now ? { now: options.now } : {}), ...ban });
  }

  /** Milliseconds this address must still wait before its next attempt (0: go ahead). */
  waitFor(ip: string): number {
    const banned = this.bans.secondsLeft(ip);
    if (banned > 0) return banned * 1000;
    const until = this.blockedUntil.get(ip);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) { this.blockedUntil.delete(ip); return 0; }
    return left;
  }

  /** Records a failure; returns how long to hold the answer. */
  fail(ip: string, account: string | null): number {
    this.bans.recordFailure(ip, 'failed admin logins');
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
    this.bans.clearFailures(ip);
    this.blockedUntil.delete(ip);
  }
}
