// When to try a deferred recipient again. Pure: the caller passes the clock.
//
// The steps back off quickly at first (most 4xx answers are greylisting or a busy server, gone in
// minutes) and then settle at a few hours, so a dead destination costs a few dozen attempts over
// the whole lifetime rather than hundreds. After `maxAgeMs` (5 days by default, as Postfix's
// maximal_queue_lifetime) the message expires and the sender gets a DSN.

export const DEFAULT_RETRY_STEPS_MS: readonly number[] = [
  60_000, // 1m
  5 * 60_000, // 5m
  15 * 60_000, // 15m
  30 * 60_000, // 30m
  60 * 60_000, // 1h
  2 * 60 * 60_000, // 2h
  4 * 60 * 60_000, // 4h, then every 4h
];

export const DEFAULT_MAX_AGE_MS = 5 * 24 * 60 * 60_000;

export interface RetryPolicy {
  /** Delay after the 1st, 2nd, … failed attempt; the last step repeats. */
  steps: readonly number[];
  /** Age (from enqueue) after which a message is given up. */
  maxAgeMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { steps: DEFAULT_RETRY_STEPS_MS, maxAgeMs: DEFAULT_MAX_AGE_MS };

export type RetryDecision = { kind: 'retry'; at: number } | { kind: 'expire' };

/** The delay after `failedAttempts` failures (1 = the first attempt failed). */
export function retryDelay(failedAttempts: number, steps: readonly number[] = DEFAULT_RETRY_STEPS_MS): number {
  if (steps.length === 0) throw new RangeError('retry schedule needs at least one step');
  const index = Math.min(Math.max(failedAttempts, 1), steps.length) - 1;
  return steps[index]!;
}

/**
 * After a temporary failure: when to try next, or expire. The last try is placed exactly at the
 * expiry time rather than skipped, so a destination that comes back in the final hours still
 * gets the mail.
 */
export function planRetry(input: { failedAttempts: number; queuedAt: number; now: number }, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  const expiresAt = input.queuedAt + policy.maxAgeMs;
  if (input.now >= expiresAt) return { kind: 'expire' };
  const at = input.now + retryDelay(input.failedAttempts, policy.steps);
  return { kind: 'retry', at: Math.min(at, expiresAt) };
}
