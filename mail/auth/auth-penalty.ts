// Brute-force penalty: every failed login from a client address makes the next answer to that
// address slower (doubling from `baseMs` up to `maxMs`), so guessing passwords costs time. A
// success clears the address; failures are forgotten after `forgetMs` without one. In memory,
// per process: any protocol (submission, IMAP, POP3) can share one instance.
// With a BanList (`bans`), every failure also counts towards a ban of the address (10 within
// 10 minutes: an hour by default); the login paths ask `isBanned()` before they look at a
// password, and the SMTP sessions before they greet.

import type { BanList } from './ban-list.js';

export interface AuthPenaltyOptions {
  /** Delay after the first failure. */
  baseMs?: number;
  /** The delay never grows beyond this. */
  maxMs?: number;
  /** Failures older than this (since the last one) are forgotten. */
  forgetMs?: number;
  /** At most this many addresses are remembered; the oldest go first. */
  maxEntries?: number;
  /** Failures also count towards bans of the address; absent: delays only. */
  bans?: BanList | null;
  now?: () => number;
}

interface Entry { failures: number; lastAt: number }

export class AuthPenalty {
  private readonly entries = new Map<string, Entry>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  readonly bans: BanList | null;

  constructor(options: AuthPenaltyOptions = {}) {
    this.bans = options.bans ?? null;
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
    this.forgetMs = options.forgetMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Failures counted for this address now. */
  failures(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (this.now() - e.lastAt > this.forgetMs) {
      this.entries.delete(key);
      return 0;
    }
    return e.failures;
  }

  /** True while the address is banned: refuse its logins, the right password included. */
  isBanned(key: string): boolean {
    return this.bans?.isBanned(key) ?? false;
  }

  /** How long to hold the answer to a failed attempt, after recording it (and counting it towards a ban). */
  fail(key: string): number {
    this.bans?.recordFailure(key);
    const failures = this.failures(key) + 1;
    this.entries.delete(key); // re-insert: Map order is then least recently failed first
    this.entries.set(key, { failures, lastAt: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return this.delayFor(failures);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  delayFor(failures: number): number {
    if (failures <= 0) return 0;
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(failures - 1, 30));
  }
}
