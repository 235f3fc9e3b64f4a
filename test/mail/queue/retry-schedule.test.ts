import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_AGE_MS, planRetry, retryDelay } from '../../../mail/queue/retry-schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('retryDelay', () => {
  const table: [number, number][] = [
    [0, 1 * MIN], [1, 1 * MIN], [2, 5 * MIN], [3, 15 * MIN], [4, 30 * MIN], [5, 1 * HOUR], [6, 2 * HOUR], [7, 4 * HOUR], [8, 4 * HOUR], [100, 4 * HOUR],
  ];
  for (const [attempts, delay] of table) {
    it(`after ${attempts} failed attempts waits ${delay / MIN} minutes`, () => assert.equal(retryDelay(attempts), delay));
  }
  it('refuses an empty schedule', () => assert.throws(() => retryDelay(1, []), RangeError));
});

describe('planRetry', () => {
  const q = 1_700_000_000_000;
  const table: { name: string; failedAttempts: number; now: number; maxAgeMs?: number; want: ReturnType<typeof planRetry> }[] = [
    { name: 'first failure retries in a minute', failedAttempts: 1, now: q, want: { kind: 'retry', at: q + MIN } },
    { name: 'backs off to hours', failedAttempts: 7, now: q + 10 * HOUR, want: { kind: 'retry', at: q + 14 * HOUR } },
    { name: 'last try lands exactly at expiry', failedAttempts: 9, now: q + DEFAULT_MAX_AGE_MS - HOUR, want: { kind: 'retry', at: q + DEFAULT_MAX_AGE_MS } },
    { name: 'expires after 5 days', failedAttempts: 30, now: q + DEFAULT_MAX_AGE_MS, want: { kind: 'expire' } },
    { name: 'configurable max age', failedAttempts: 2, now: q + 2 * HOUR, maxAgeMs: 2 * HOUR, want: { kind: 'expire' } },
    { name: 'short max age caps the retry', failedAttempts: 5, now: q + 10 * MIN, maxAgeMs: 30 * MIN, want: { kind: 'retry', at: q + 30 * MIN } },
  ];
  for (const t of table) {
    it(t.name, () => {
      const policy = t.maxAgeMs === undefined ? undefined : { steps: [MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR], maxAgeMs: t.maxAgeMs };
      assert.deepEqual(planRetry({ failedAttempts: t.failedAttempts, queuedAt: q, now: t.now }, policy), t.want);
    });
  }
});
