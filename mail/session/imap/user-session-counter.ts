// How many IMAP sessions each account has open, across both listeners (143 and 993). A client
// that leaks connections (or a stolen password used from many places) is stopped at the limit
// with NO [LIMIT] instead of taking every slot the listener has.

import type { UserSessionCounter } from './deps.js';

export class PerUserSessionCounter implements UserSessionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  acquire(userId: string): boolean {
    const n = this.open.get(userId) ?? 0;
    if (n >= this.limit) return false;
    this.open.set(userId, n + 1);
    return true;
  }

  release(userId: string): void {
    const n = this.open.get(userId) ?? 0;
    if (n <= 1) this.open.delete(userId);
    else this.open.set(userId, n - 1);
  }

  /** Sessions the account has open now; for tests and metrics. */
  count(userId: string): number {
    return this.open.get(userId) ?? 0;
  }
}
