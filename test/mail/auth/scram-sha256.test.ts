// SCRAM-SHA-256: the RFC 7677 example exchange byte for byte, the stored-key encoding, and the
// refusals (wrong proof, nonce or channel-binding mismatch, malformed and PLUS requests).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeScramCredentials, deriveScramCredentials, encodeScramCredentials, fakeScramCredentials, parseClientFirst, ScramServerExchange,
} from '../../../mail/auth/scram-sha256.js';
import { ScramClient } from '../../helpers/scram-client.js';

test('the RFC 7677 section 3 example: same server-first and server-final', async () => {
  const credentials = await deriveScramCredentials('pencil', { salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations: 4096 });
  const first = parseClientFirst('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  assert.equal(first.username, 'user');
  const exchange = new ScramServerExchange(first, credentials, '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
  assert.equal(exchange.serverFirstMessage(), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  const final = exchange.finish('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  assert.equal(final, 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
});

test('an independent client and the server agree; a wrong proof is refused with scram_bad_proof', async () => {
  const credentials = await deriveScramCredentials('Đúng-mật-khẩu 7!', { iterations: 4096 });
  for (const wrongProof of [false, true]) {
    const client = new ScramClient('an@example.test', 'Đúng-mật-khẩu 7!');
    const exchange = new ScramServerExchange(parseClientFirst(client.clientFirst()), credentials);
    const final = client.clientFinal(exchange.serverFirstMessage(), { wrongProof });
    if (wrongProof) assert.throws(() => exchange.finish(final), { code: 'scram_bad_proof' });
    else assert.ok(client.verifyServerFinal(exchange.finish(final)));
  }
});

test('nonce and channel-binding mismatches, PLUS, extensions and malformed input are refused', async () => {
  const credentials = await deriveScramCredentials('pw', { iterations: 4096 });
  const exchange = new ScramServerExchange(parseClientFirst('n,,n=u,r=abc'), credentials, 'xyz');
  assert.throws(() => exchange.finish('c=biws,r=abcOTHER,p=AAAA'), { code: 'scram_nonce' });
  assert.throws(() => exchange.finish('c=eSws,r=abcxyz,p=AAAA'), { code: 'scram_channel_binding' });
  assert.throws(() => exchange.finish('c=biws,r=abcxyz'), { code: 'scram_malformed' });
  assert.throws(() => parseClientFirst('p=tls-unique,,n=u,r=abc'), { code: 'scram_channel_binding' });
  assert.throws(() => parseClientFirst('n,,m=ext,n=u,r=abc'), { code: 'scram_extension' });
  for (const bad of ['', 'x,,n=u,r=a', 'n,,n=u', 'n,,r=a', 'n,,n=a=2Xb,r=a', 'n,,n=u,r=a b']) {
    assert.throws(() => parseClientFirst(bad), { code: 'scram_malformed' }, JSON.stringify(bad));
  }
  // `y` (client could bind, server does not offer PLUS) is accepted; `=2C` and `=3D` decode.
  const y = parseClientFirst('y,a=a=2Cb,n=a=2Cb=3Dc,r=n0nce');
  assert.equal(y.username, 'a,b=c');
  assert.equal(y.authzid, 'a,b');
});

test('stored credentials round-trip; corrupt ones decode to null; fake ones are stable per name', async () => {
  const c = await deriveScramCredentials('pw', { iterations: 4096 });
  assert.deepEqual(decodeScramCredentials(encodeScramCredentials(c)), c);
  for (const bad of ['', '4096$a$b', '100$c2FsdHNhbHQ=$AAAA$AAAA', 'x$y$z$w']) assert.equal(decodeScramCredentials(bad), null, bad);
  assert.deepEqual(fakeScramCredentials('ghost@example.test'), fakeScramCredentials('ghost@example.test'));
  assert.notDeepEqual(fakeScramCredentials('ghost@example.test').salt, fakeScramCredentials('other@example.test').salt);
});
