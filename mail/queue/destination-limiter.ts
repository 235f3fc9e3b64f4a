// Connection limits for outbound delivery: at most `perDomain` sessions to one destination at a
// time (receivers throttle or block senders that open many; Postfix defaults to 20, big providers
// prefer a few) and `total` overall (our own sockets and memory). A destination is a recipient
// domain, or the smarthost when one relays everything (the runner picks the key).

export interface DestinationLimits {
  total: number;
  perDomain: number;
}

export const DEFAULT_DESTINATION_LIMITS: DestinationLimits = { total: 20, perDomain: 20 };

export class DestinationLimiter {
  private readonly perDomain = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: DestinationLimits = DEFAULT_DESTINATION_LIMITS) {}

  /** Takes a slot for `domain`, or returns false when a limit is reached. */
  tryAcquire(domain: string): boolean {
    const current = this.perDomain.get(domain) ?? 0;
    if (this.total >= this.limits.total || current >= this.limits.perDomain) return false;
    this.perDomain.set(domain, current + 1);
    this.total++;
    return true;
  }

  release(domain: string): void {
    const current = this.perDomain.get(domain) ?? 0;
    if (current <= 1) this.perDomain.delete(domain);
    else this.perDomain.set(domain, current - 1);
    if (this.total > 0) this.total--;
  }

  /** Whether a session to `domain` could start now. */
  hasRoom(domain: string): boolean {
    return this.total < this.limits.total && (this.perDomain.get(domain) ?? 0) < this.limits.perDomain;
  }

  /** Sessions that could still start, over all destinations. */
  freeTotal(): number {
    return Math.max(0, this.limits.total - this.total);
  }

  inUse(domain?: string): number {
    return domain === undefined ? this.total : this.perDomain.get(domain) ?? 0;
  }
}
