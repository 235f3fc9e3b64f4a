import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimiter, clientKey } from '../../../mail/listener/connection-limiter.js';

const KEYS: [string, string][] = [
  ['192.0.2.1', '192.0.2.1'],
  ['::ffff:192.0.2.1', '192.0.2.1'],
  ['2001:db8:1:2:3:4:5:6', '2001:0db8:0001:0002::/64'],
  ['2001:db8:1:2::9', '2001:0db8:0001:0002::/64'],
  ['2001:db8::1', '2001:0db8:0000:0000::/64'],
  ['::1', '0000:0000:0000:0000::/64'],
];
for (const [ip, key] of KEYS) test(`clientKey ${ip}`, () => assert.equal(clientKey(ip), key));

test('per-IP and total limits, release frees the slot', () => {
  const l = new ConnectionLimiter({ connectionsPerIp: 2, maxConnections: 3 });
  assert.equal(l.admit('192.0.2.1'), 'ok');
  assert.equal(l.admit('192.0.2.1'), 'ok');
  assert.equal(l.admit('192.0.2.1'), 'too-many-from-ip');
  assert.equal(l.admit('2001:db8::1'), 'ok');
  assert.equal(l.admit('2001:db8::2'), 'too-many');
  l.release('192.0.2.1');
  assert.equal(l.size, 2);
  assert.equal(l.admit('2001:db8::2'), 'ok');
  assert.equal(l.admit('2001:db8::3'), 'too-many');
  assert.equal(l.countFor('2001:db8::ffff'), 2);
});
