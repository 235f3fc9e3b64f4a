// scrypt hashing: the PHC format, verify, the unknown-user path, and refusal of hostile strings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyDummy, verifyPassword } from '../../../mail/auth/password-hash.js';

const FAST = { ln: 10, r: 8, p: 1 };

test('hash has the PHC shape and verifies', async () => {
  const stored = await hashPassword('correct horse battery staple', FAST);
  assert.match(stored, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('salts differ, so equal passwords hash differently', async () => {
  assert.notEqual(await hashPassword('same password here', FAST), await hashPassword('same password here', FAST));
});

test('unicode is normalised (NFC) before hashing', async () => {
  const stored = await hashPassword('caf\u00e9 au lait!', FAST);
  assert.equal(await verifyPassword('cafe\u0301 au lait!', stored), true);
});

test('default parameters verify', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.ok(stored.startsWith(`$scrypt$ln=${DEFAULT_SCRYPT_PARAMS.ln},r=8,p=1$`));
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(needsRehash(stored), false);
  assert.equal(needsRehash(await hashPassword('x', FAST)), true);
});

test('malformed or hostile stored hashes never match', async () => {
  const good = await hashPassword('pw', FAST);
  const salt = good.split('$')[4];
  const hash = good.split('$')[5];
  for (const bad of ['', 'plain', '$2b$10$abcdefghijklmnopqrstuv', `$scrypt$ln=30,r=8,p=1$${salt}$${hash}`, `$scrypt$ln=10,r=8,p=1$${salt}$`, `$scrypt$ln=10,r=8,p=1$$${hash}`]) {
    assert.equal(await verifyPassword('pw', bad), false, bad);
  }
});

test('hashPassword refuses parameters out of range', async () => {
  await assert.rejects(hashPassword('pw', { ln: 25, r: 8, p: 1 }), RangeError);
});

test('the dummy verify always fails', async () => {
  assert.equal(await verifyDummy('anything'), false);
});
