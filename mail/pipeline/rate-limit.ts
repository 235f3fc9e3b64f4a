// Events per key in a sliding window (the last minute), in memory: a log of timestamps per key,
// trimmed as it is read. Exact (no bucket edges to burst across) and small: a key holds at most
// `limit` timestamps, because a refused event is not recorded. The least recently used keys go
// first when there are more than `maxKeys`.

export interface SlidingWindowOptions {
  limit: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: SlidingWindowOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Records one event for `key` if it is within the limit; false (nothing recorded) if not. */
  take(key: string): boolean {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((at) => t - at < this.options.windowMs);
    this.hits.delete(key); // re-inserted below: Map order is least recently used first
    if (list.length >= this.options.limit) {
      this.hits.set(key, list);
      return false;
    }
    list.push(t);
    this.hits.set(key, list);
    if (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest !== undefined) this.hits.delete(oldest);
    }
    return true;
  }

  /** Seconds until `key` may take again (0: now). */
  retryAfter(key: string): number {
    const list = this.hits.get(key);
    if (!list || list.length < this.options.limit) return 0;
    const oldest = list[list.length - this.options.limit]!;
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - this.now()) / 1000));
  }
}
