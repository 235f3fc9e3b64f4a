// AUTH SCRAM-SHA-256 on submission, spoken by an independent client implementation over the
// in-memory sockets: offered only after TLS, success with the server's proof checked by the
// client, a wrong password costing the same penalty as PLAIN, unknown users indistinguishable
// until the end, and cancelled or malformed exchanges answered 501.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScramClient } from '../../../helpers/scram-client.js';
import { PASSWORD, submissionHarness } from './harness.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function insecureClient() {
  const h = submissionHarness({ allowInsecureAuth: true });
  const { client } = await h.connect();
  const ehlo = await client.command('EHLO client.example');
  return { h, client, ehlo };
}

test('EHLO offers SCRAM-SHA-256; a right password authenticates and the server proves it knows the keys', async () => {
  const { h, client, ehlo } = await insecureClient();
  assert.match(ehlo.text, /AUTH PLAIN LOGIN SCRAM-SHA-256/);
  const scram = new ScramClient('alice@example.test', PASSWORD);
  const first = await client.command(`AUTH SCRAM-SHA-256 ${b64(scram.clientFirst())}`);
  assert.equal(first.code, 334);
  const final = await client.command(b64(scram.clientFinal(unb64(first.text.trim()))));
  assert.equal(final.code, 334);
  assert.ok(scram.verifyServerFinal(unb64(final.text.trim())), 'server signature');
  const done = await client.command('');
  assert.equal(done.code, 235);
  assert.match(done.lines[0]!, /^235 2\.7\.0 /);
  const mail = await client.command('MAIL FROM:<alice@example.test>');
  assert.equal(mail.code, 250);
  assert.ok(h.logs.some((l) => l.msg === 'authenticated' && l.method === 'SCRAM-SHA-256'));
});

test('without an initial response the server asks with an empty 334 first', async () => {
  const { client } = await insecureClient();
  const go = await client.command('AUTH SCRAM-SHA-256');
  assert.equal(go.code, 334);
  const scram = new ScramClient('alice@example.test', PASSWORD);
  const first = await client.command(b64(scram.clientFirst()));
  assert.equal(first.code, 334);
  const final = await client.command(b64(scram.clientFinal(unb64(first.text.trim()))));
  assert.equal(final.code, 334);
  assert.equal((await client.command('')).code, 235);
});

test('a wrong password and an unknown user both get 535 5.7.8 after the growing delay', async () => {
  const { h, client } = await insecureClient();
  for (const [user, password] of [['alice@example.test', 'wrong'], ['ghost@example.test', PASSWORD]] as const) {
    const scram = new ScramClient(user, password);
    const first = await client.command(`AUTH SCRAM-SHA-256 ${b64(scram.clientFirst())}`);
    assert.equal(first.code, 334, 'an unknown user gets a server-first too');
    const final = await client.command(b64(scram.clientFinal(unb64(first.text.trim()))));
    assert.match(final.lines[0]!, /^535 5\.7\.8 /);
  }
  assert.deepEqual(h.delays, [100, 200]);
});

test('cancel with *, bad base64, PLUS and a mangled final are answered 501 and nothing is authenticated', async () => {
  const { client } = await insecureClient();
  await client.command('AUTH SCRAM-SHA-256');
  assert.equal((await client.command('*')).code, 501);
  assert.equal((await client.command('AUTH SCRAM-SHA-256 !!!notbase64')).code, 501);
  assert.equal((await client.command(`AUTH SCRAM-SHA-256 ${b64('p=tls-unique,,n=alice@example.test,r=abc')}`)).code, 501);
  const first = await client.command(`AUTH SCRAM-SHA-256 ${b64('n,,n=alice@example.test,r=abc')}`);
  assert.equal(first.code, 334);
  assert.equal((await client.command(b64('c=biws,r=not-our-nonce,p=AAAA'))).code, 501);
  assert.equal((await client.command('MAIL FROM:<alice@example.test>')).code, 530);
});

test('before TLS (STARTTLS on offer) SCRAM is refused like every password mechanism: 538', async () => {
  const h = submissionHarness();
  const { client } = await h.connect();
  await client.command('EHLO client.example');
  const r = await client.command(`AUTH SCRAM-SHA-256 ${b64('n,,n=alice@example.test,r=abc')}`);
  assert.equal(r.code, 538);
});
