// TOTP against RFC 6238's published vectors (Appendix B, SHA-1, truncated to six digits) and
// the window, replay and URI rules the login relies on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, generateTotpSecret, hotp, matchTotp, otpauthUri, totpCode, totpStep } from '../../agent/admin/totp.js';

const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));

test('RFC 6238 Appendix B vectors (SHA-1), last six digits', () => {
  const vectors: [number, string][] = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];
  for (const [seconds, eight] of vectors) assert.equal(totpCode(RFC_SECRET, seconds * 1000), eight.slice(-6), `T=${seconds}`);
  assert.equal(hotp(Buffer.from('12345678901234567890'), 1, 8), '94287082');
});

test('RFC 4226 Appendix D HOTP values', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => assert.equal(hotp(Buffer.from('12345678901234567890'), counter), code));
});

test('base32 round trip, padding and case ignored, garbage refused', () => {
  for (const len of [0, 1, 5, 10, 20, 33]) {
    const bytes = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37 + 11) & 0xff));
    assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
  }
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.deepEqual(base32Decode('mzxw6ytboi======'), Buffer.from('foobar'));
  assert.equal(base32Decode('MZXW1'), null);
  assert.equal(generateTotpSecret().length, 32);
});

test('a code is accepted one step either side, not two; a used step is not accepted again', () => {
  const secret = generateTotpSecret();
  const now = 1_700_000_000_000;
  const step = totpStep(now);
  const at = (s: number) => s * 30_000 + 1000;
  assert.equal(matchTotp(secret, totpCode(secret, now), now), step);
  assert.equal(matchTotp(secret, totpCode(secret, at(step - 1)), now), step - 1);
  assert.equal(matchTotp(secret, totpCode(secret, at(step + 1)), now), step + 1);
  assert.equal(matchTotp(secret, totpCode(secret, at(step - 2)), now), null);
  assert.equal(matchTotp(secret, totpCode(secret, at(step + 2)), now), null);
  assert.equal(matchTotp(secret, totpCode(secret, now), now, step), null, 'replay of the same step');
  assert.equal(matchTotp(secret, totpCode(secret, at(step - 1)), now, step), null, 'an older step after a newer one');
  assert.equal(matchTotp(secret, '12345', now), null);
  assert.equal(matchTotp(secret, 'abcdef', now), null);
});

test('otpauth URI carries the secret and the RFC 6238 parameters', () => {
  const uri = new URL(otpauthUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'root@mx.example.com', issuer: 'Mailroom' }));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/Mailroom:root@mx.example.com');
  assert.equal(uri.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
  assert.equal(uri.searchParams.get('issuer'), 'Mailroom');
});
