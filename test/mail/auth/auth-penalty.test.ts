import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthPenalty } from '../../../mail/auth/auth-penalty.js';

test('AuthPenalty: doubling delays per address, capped, cleared by success, forgotten after a quiet time', () => {
  let now = 0;
  const p = new AuthPenalty({ baseMs: 100, maxMs: 500, forgetMs: 1000, now: () => now });
  assert.deepEqual([p.fail('a'), p.fail('a'), p.fail('a'), p.fail('a')], [100, 200, 400, 500]);
  assert.equal(p.fail('b'), 100);
  p.succeed('a');
  assert.equal(p.failures('a'), 0);
  now = 5000;
  assert.equal(p.failures('b'), 0);
  assert.equal(p.fail('b'), 100);
});

test('AuthPenalty: remembers at most maxEntries addresses', () => {
  const p = new AuthPenalty({ maxEntries: 2 });
  p.fail('a'); p.fail('b'); p.fail('c');
  assert.equal(p.failures('a'), 0);
  assert.equal(p.failures('c'), 1);
});
