// The verified-password cache on its own: what matches, what does not, expiry and the LRU bound.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialCache, credentialCacheFromConfig } from '../../../mail/auth/credential-cache.js';

const HASH = '$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const OTHER_HASH = '$scrypt$ln=10,r=8,p=1$b3RoZXJzYWx0c2FsdA==$b3RoZXJoYXNob3RoZXJoYXNob3RoZXJoYXNob3RoZXI=';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('a remembered password matches only for the same account, hash and password', () => {
  const cache = new CredentialCache();
  assert.equal(cache.matches('u1', HASH, 'Correct-horse-7'), false, 'nothing before remember');
  cache.remember('u1', HASH, 'Correct-horse-7');
  assert.equal(cache.matches('u1', HASH, 'Correct-horse-7'), true);
  assert.equal(cache.matches('u1', HASH, 'correct-horse-7'), false, 'other password');
  assert.equal(cache.matches('u1', HASH, 'Correct-horse-7 '), false, 'trailing space');
  assert.equal(cache.matches('u1', OTHER_HASH, 'Correct-horse-7'), false, 'password changed: new hash');
  assert.equal(cache.matches('u2', HASH, 'Correct-horse-7'), false, 'other account');
  assert.equal(cache.matches('u1', HASH, 'Correct-horse-7'), true, 'a miss does not evict the entry');
});

test('the NUL separator keeps fields apart', () => {
  const cache = new CredentialCache();
  cache.remember('u1', HASH, 'pw');
  assert.equal(cache.matches('u1', HASH, 'pw\0'), false);
  assert.equal(cache.matches('u1', `${HASH}\0pw`, ''), false);
});

test('a password is matched in the NFC form scrypt sees', () => {
  const cache = new CredentialCache();
  cache.remember('u1', HASH, 'caf\u00e9-Brioche-42');
  assert.equal(cache.matches('u1', HASH, 'cafe\u0301-Brioche-42'), true);
});

test('the plaintext password is not kept', () => {
  const cache = new CredentialCache();
  const password = 'Unmistakable-Plaintext-99';
  cache.remember('u1', HASH, password);
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) {
      if (typeof v === 'string') assert.ok(!v.includes(password));
      return;
    }
    seen.add(v);
    if (Buffer.isBuffer(v)) { assert.ok(!v.includes(password)); return; }
    if (v instanceof Map) { for (const [k, x] of v) { walk(k); walk(x); } return; }
    for (const x of Object.values(v)) walk(x);
  };
  walk(cache);
  assert.ok(seen.size > 2, 'walked the cache internals');
});

test('an entry expires after the ttl', () => {
  const c = clock();
  const cache = new CredentialCache({ ttlMs: 60_000, now: c.now });
  cache.remember('u1', HASH, 'pw-one-1');
  c.advance(59_999);
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), true);
  c.advance(1);
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), false);
  assert.equal(cache.size, 0, 'the expired entry is dropped');
  // A hit does not extend the ttl: the password is re-checked the slow way at least every ttl.
  cache.remember('u1', HASH, 'pw-one-1');
  c.advance(40_000);
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), true);
  c.advance(20_000);
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), false);
});

test('at most maxEntries accounts; the least recently used go first', () => {
  const cache = new CredentialCache({ maxEntries: 3 });
  for (const id of ['a', 'b', 'c']) cache.remember(id, HASH, `pw-${id}`);
  assert.equal(cache.matches('a', HASH, 'pw-a'), true, 'a is now the most recent');
  cache.remember('d', HASH, 'pw-d');
  assert.equal(cache.size, 3);
  assert.equal(cache.matches('b', HASH, 'pw-b'), false, 'b was the least recently used');
  for (const id of ['a', 'c', 'd']) assert.equal(cache.matches(id, HASH, `pw-${id}`), true, id);
  // Remembering an account again replaces its entry, it does not take a second slot.
  cache.remember('a', OTHER_HASH, 'pw-a2');
  assert.equal(cache.size, 3);
  assert.equal(cache.matches('a', HASH, 'pw-a'), false);
  assert.equal(cache.matches('a', OTHER_HASH, 'pw-a2'), true);
});

test('forget drops an account', () => {
  const cache = new CredentialCache();
  cache.remember('u1', HASH, 'pw-one-1');
  cache.forget('u1');
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), false);
});

test('two caches (two processes) have different secrets', () => {
  // Not observable through matches, but a fresh cache must know nothing of another's entries.
  const a = new CredentialCache();
  const b = new CredentialCache();
  a.remember('u1', HASH, 'pw-one-1');
  assert.equal(b.matches('u1', HASH, 'pw-one-1'), false);
});

test('from config: ttl 0 is off, otherwise seconds', () => {
  assert.equal(credentialCacheFromConfig({ ttl: 0, maxEntries: 10 }), null);
  const c = clock();
  const cache = credentialCacheFromConfig({ ttl: 30, maxEntries: 10 }, c.now)!;
  cache.remember('u1', HASH, 'pw-one-1');
  c.advance(29_000);
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), true);
  c.advance(1_000);
  assert.equal(cache.matches('u1', HASH, 'pw-one-1'), false);
});

test('bad options are refused', () => {
  assert.throws(() => new CredentialCache({ ttlMs: 0 }), RangeError);
  assert.throws(() => new CredentialCache({ maxEntries: 0 }), RangeError);
  assert.throws(() => new CredentialCache({ maxEntries: 1.5 }), RangeError);
});
