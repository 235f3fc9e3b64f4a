import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../../core/log.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import { SlidingWindowLimiter } from '../../../mail/pipeline/rate-limit.js';
import { createRateLimitCheck } from '../../../mail/pipeline/rate-limit-check.js';

test('SlidingWindowLimiter: limit per key within the window, refused events not counted', () => {
  let now = 0;
  const l = new SlidingWindowLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  assert.deepEqual([l.take('a'), l.take('a'), l.take('a'), l.take('a')], [true, true, true, false]);
  assert.equal(l.take('b'), true);
  assert.equal(l.retryAfter('a'), 60);
  now = 59_999;
  assert.equal(l.take('a'), false);
  now = 60_000;
  assert.equal(l.take('a'), true, 'the first event left the window');
  assert.equal(l.take('a'), true);
  assert.equal(l.take('a'), true);
  assert.equal(l.take('a'), false);
});

test('SlidingWindowLimiter: forgets the least recently used keys beyond maxKeys', () => {
  const l = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
  l.take('a'); l.take('b'); l.take('c');
  assert.equal(l.take('a'), true);
  assert.equal(l.take('c'), false);
});

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({ connectionId: 'c', remoteAddress: '127.0.0.1', remoteHostname: null, helo: null, tls: false, authenticatedUser: null, mailFrom: 'a@b.example', recipients: [], ...over });

test('rate check: 421 4.7.0 at connect, 451 4.7.1 at MAIL; loopback counted; pass-listed networks and null limits not', async () => {
  let now = 0;
  const check = createRateLimitCheck({ connectionsPerMinute: 2, messagesPerMinute: 1, passNetworks: ['10.0.0.0/8'], logger: silentLogger, now: () => now });
  assert.equal((await check.connect!(ctx())).action, 'accept');
  assert.equal((await check.connect!(ctx())).action, 'accept');
  const refused = await check.connect!(ctx());
  assert.ok(refused.action === 'defer' && refused.code === 421 && refused.enhanced === '4.7.0', JSON.stringify(refused));
  assert.equal((await check.connect!(ctx({ remoteAddress: '127.0.0.2' }))).action, 'accept', 'per address');
  for (let i = 0; i < 5; i++) assert.equal((await check.connect!(ctx({ remoteAddress: '10.1.1.1' }))).action, 'accept');
  assert.equal((await check.mailFrom!(ctx())).action, 'accept');
  const msg = await check.mailFrom!(ctx());
  assert.ok(msg.action === 'defer' && msg.code === 451 && msg.enhanced === '4.7.1', JSON.stringify(msg));
  assert.equal((await check.mailFrom!(ctx({ authenticatedUser: 'u@x.example' }))).action, 'accept');
  // IPv6 counted per /64.
  assert.equal((await check.connect!(ctx({ remoteAddress: '2001:db8::1' }))).action, 'accept');
  assert.equal((await check.connect!(ctx({ remoteAddress: '2001:db8::2' }))).action, 'accept');
  assert.equal((await check.connect!(ctx({ remoteAddress: '2001:db8::3' }))).action, 'defer');
  now = 61_000;
  assert.equal((await check.connect!(ctx())).action, 'accept');
  const off = createRateLimitCheck({ connectionsPerMinute: null, messagesPerMinute: null, logger: silentLogger });
  for (let i = 0; i < 100; i++) assert.equal((await off.connect!(ctx())).action, 'accept');
});
