import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthPenalty } from '../../../mail/auth/auth-penalty.js';
import { BanList, type Ban } from '../../../mail/auth/ban-list.js';
import { LoginThrottle } from '../../../ui/server/auth/login-throttle.js';

test('BanList: N failures within the window ban the address for banMs; older failures do not count', () => {
  let now = 0;
  const bans: Ban[] = [];
  const list = new BanList({ failures: 3, windowMs: 1000, banMs: 5000, now: () => now, onBan: (b) => bans.push(b) });
  list.recordFailure('192.0.2.1');
  now = 600;
  list.recordFailure('192.0.2.1');
  now = 1200; // the first failure left the window
  assert.equal(list.recordFailure('192.0.2.1'), null);
  assert.equal(list.isBanned('192.0.2.1'), false);
  const ban = list.recordFailure('192.0.2.1');
  assert.ok(ban);
  assert.deepEqual(bans.map((b) => [b.ip, b.seconds]), [['192.0.2.1', 5]]);
  assert.match(bans[0]!.reason, /3 failed logins within 1 s/);
  assert.equal(list.isBanned('::ffff:192.0.2.1'), true, 'the same address in its mapped form');
  assert.equal(list.isBanned('192.0.2.2'), false, 'per address');
  assert.equal(list.secondsLeft('192.0.2.1'), 5);
  assert.equal(list.recordFailure('192.0.2.1'), null, 'failures while banned neither extend nor re-announce');
  assert.equal(bans.length, 1);
  now = 1200 + 5000;
  assert.equal(list.isBanned('192.0.2.1'), false, 'the ban ended');
  assert.deepEqual(list.list(), []);
});

test('BanList: manual ban and unban; IPv6 canonical form', () => {
  const list = new BanList();
  list.ban('2001:DB8:0::1', 60, 'test');
  assert.equal(list.isBanned('2001:db8::1'), true);
  assert.equal(list.isBanned('2001:db8::2'), false);
  assert.equal(list.unban('2001:db8::1'), true);
  assert.equal(list.isBanned('2001:db8::1'), false);
});

test('AuthPenalty with bans: failures count towards a ban, per address only', () => {
  let now = 0;
  const bans = new BanList({ failures: 10, windowMs: 600_000, banMs: 3_600_000, now: () => now });
  const p = new AuthPenalty({ bans, now: () => now });
  for (let i = 0; i < 9; i++) { p.fail('198.51.100.9'); now += 1000; }
  assert.equal(p.isBanned('198.51.100.9'), false);
  p.succeed('198.51.100.9'); // a success clears the delay, not the ban count: guessers also log in sometimes
  p.fail('198.51.100.9');
  assert.equal(p.isBanned('198.51.100.9'), true);
  assert.equal(p.isBanned('198.51.100.10'), false);
  assert.equal(new AuthPenalty().isBanned('198.51.100.9'), false, 'without a ban list nobody is banned');
});

test('LoginThrottle: the admin login gets the same ban rule, refusing every attempt from the address', () => {
  let now = 0;
  const announced: Ban[] = [];
  const t = new LoginThrottle({ baseMs: 10, maxMs: 20, now: () => now, ban: { failures: 10, windowMs: 600_000, banMs: 3_600_000, onBan: (b) => announced.push(b) } });
  for (let i = 0; i < 10; i++) { t.fail('203.0.113.4', i % 2 ? 'admin' : 'other'); now += 100; }
  assert.equal(announced.length, 1);
  assert.ok(t.waitFor('203.0.113.4') > 3_500_000, 'banned for about an hour');
  t.succeed('203.0.113.4', 'admin');
  assert.ok(t.waitFor('203.0.113.4') > 0, 'a success does not lift a ban');
  assert.equal(t.waitFor('203.0.113.5'), 0, 'the admin account is not locked out from elsewhere');
  now += 3_600_001;
  assert.equal(t.waitFor('203.0.113.4'), 0);
  // A success clears the count of its address (admins who got in are not banned by later typos).
  for (let i = 0; i < 9; i++) t.fail('203.0.113.6', 'admin');
  t.succeed('203.0.113.6', 'admin');
  t.fail('203.0.113.6', 'admin');
  assert.ok(t.waitFor('203.0.113.6') < 1000, 'not banned');
});
