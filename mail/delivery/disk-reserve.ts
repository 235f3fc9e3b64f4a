// Free-space guard: below limits.diskReserve in the data directory, new mail is deferred with
// 452 4.3.1 at MAIL FROM and RCPT TO, before any byte of a body is written. The probe (statfs in
// the composition root) is asked at most once a second; many connections share the answer.

import type { Check, CheckResult } from '../pipeline/contracts.js';
import { ACCEPT } from '../pipeline/contracts.js';

export interface DiskReserveOptions {
  /** Bytes free to unprivileged users in the data directory. */
  probe: () => Promise<number>;
  reserve: number;
  cacheMs?: number;
  now?: () => number;
}

export function createDiskReserveCheck(options: DiskReserveOptions): Check & { freeBytes(): Promise<number> } {
  const cacheMs = options.cacheMs ?? 1000;
  const now = options.now ?? Date.now;
  let cached: { at: number; value: Promise<number> } | null = null;

  const freeBytes = (): Promise<number> => {
    const t = now();
    if (!cached || t - cached.at >= cacheMs) {
      const value = options.probe();
      cached = { at: t, value };
      // A failed probe is not cached: the next command asks again.
      value.catch(() => { if (cached?.value === value) cached = null; });
    }
    return cached.value;
  };

  const check = async (): Promise<CheckResult> => {
    const free = await freeBytes();
    if (free >= options.reserve) return ACCEPT;
    return { action: 'defer', code: 452, enhanced: '4.3.1', message: 'Insufficient system storage, try again later', reason: `disk: ${free} bytes free, reserve ${options.reserve}` };
  };

  return { name: 'disk-reserve', mailFrom: check, rcptTo: check, freeBytes };
}
