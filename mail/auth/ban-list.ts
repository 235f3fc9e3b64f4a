// Bans after repeated failed logins: `failures` failures from one IP address within `windowMs`
// ban that address for `banMs`. While banned, every login from it is refused without looking at
// the password, the right one included, and its new connections are refused. Bans are per
// address, never per account: an attacker elsewhere must not be able to lock a user out of her
// own mailbox by failing logins in her name (the growing delays of AuthPenalty slow guessing at
// one account down instead).
//
// In memory, per process, enforced here whatever else happens; `onBan` tells the world (the
// mail daemon publishes a control event that the agent hands to the firewall's blocklist, so
// the address stops reaching any port at all). Loopback is not exempt.

import { canonicalAddress } from '../pipeline/greylist-network.js';

export interface BanListOptions {
  /** Failures within the window that trigger a ban (10). */
  failures?: number;
  /** The window, in ms (10 minutes). */
  windowMs?: number;
  /** How long a ban lasts, in ms (1 hour). */
  banMs?: number;
  /** At most this many addresses are tracked; the least recently failed go first. */
  maxEntries?: number;
  /** Called once per new ban. */
  onBan?: (ban: Ban) => void;
  now?: () => number;
}

export interface Ban {
  ip: string;
  /** Length of the ban. */
  seconds: number;
  until: number;
  reason: string;
}

export const BAN_DEFAULTS = { failures: 10, windowMs: 10 * 60_000, banMs: 3600_000 } as const;

export class BanList {
  private readonly failuresByIp = new Map<string, number[]>();
  private readonly bans = new Map<string, Ban>();
  private readonly failures: number;
  private readonly windowMs: number;
  private readonly banMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: BanListOptions = {}) {
    this.failures = options.failures ?? BAN_DEFAULTS.failures;
    this.windowMs = options.windowMs ?? BAN_DEFAULTS.windowMs;
    this.banMs = options.banMs ?? BAN_DEFAULTS.banMs;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** The ban on this address, or null. */
  banOf(ip: string): Ban | null {
    // Every connection asks; with nobody banned (the usual case) that costs nothing.
    if (this.bans.size === 0) return null;
    const key = canonicalAddress(ip);
    const ban = this.bans.get(key);
    if (!ban) return null;
    if (ban.until <= this.now()) {
      this.bans.delete(key);
      return null;
    }
    return ban;
  }

  isBanned(ip: string): boolean {
    return this.banOf(ip) !== null;
  }

  /** Seconds left of the ban on this address (0: none). */
  secondsLeft(ip: string): number {
    const ban = this.banOf(ip);
    return ban ? Math.max(1, Math.ceil((ban.until - this.now()) / 1000)) : 0;
  }

  /** Counts a failed login; returns the ban it triggered, if it did. */
  recordFailure(ip: string, reason = 'failed logins'): Ban | null {
    const key = canonicalAddress(ip);
    if (this.banOf(key)) return null;
    const t = this.now();
    const list = (this.failuresByIp.get(key) ?? []).filter((at) => t - at < this.windowMs);
    list.push(t);
    this.failuresByIp.delete(key);
    if (list.length < this.failures) {
      this.failuresByIp.set(key, list);
      if (this.failuresByIp.size > this.maxEntries) this.failuresByIp.delete(this.failuresByIp.keys().next().value!);
      return null;
    }
    return this.ban(key, this.banMs / 1000, `${list.length} ${reason} within ${Math.round(this.windowMs / 1000)} s`);
  }

  /** Bans an address now (also used by recordFailure). */
  ban(ip: string, seconds: number, reason: string): Ban {
    const key = canonicalAddress(ip);
    const ban: Ban = { ip: key, seconds, until: this.now() + seconds * 1000, reason };
    this.bans.set(key, ban);
    this.failuresByIp.delete(key);
    if (this.bans.size > this.maxEntries) this.bans.delete(this.bans.keys().next().value!);
    this.options.onBan?.(ban);
    return ban;
  }

  /** Forgets the failures counted for an address (not a ban in force). */
  clearFailures(ip: string): void {
    this.failuresByIp.delete(canonicalAddress(ip));
  }

  unban(ip: string): boolean {
    return this.bans.delete(canonicalAddress(ip));
  }

  /** The bans in force. */
  list(): Ban[] {
    const t = this.now();
    return [...this.bans.values()].filter((b) => b.until > t);
  }
}

/** BanList options from the config's `auth.ban` (seconds). */
export function banSettings(ban: { failures: number; windowSeconds: number; banSeconds: number }): Pick<BanListOptions, 'failures' | 'windowMs' | 'banMs'> {
  return { failures: ban.failures, windowMs: ban.windowSeconds * 1000, banMs: ban.banSeconds * 1000 };
}
