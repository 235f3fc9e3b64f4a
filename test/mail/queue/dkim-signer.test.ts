// The DKIM signer, checked by an independent verifier (mailauth) reading the public keys that
// the key store publishes: both signatures pass, any change to the body or a signed header fails.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { createDkimSigner } from '../../../mail/queue/dkim-signer.js';
import { RelaxedBodyHash } from '../../../mail/queue/dkim-canonical.js';
import { suiteSigningKeys } from './dkim-test-keys.js';

const MESSAGE = [
  'Received: from client by mx (Mailroom)',
  'From: Alice <alice@example.com>',
  'To: bob@example.org,',
  '  carol@example.org',
  'Subject:   Hello\tthere  ',
  'Date: Sun, 22 Nov 2026 10:00:00 +0000',
  'Message-ID: <1@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hi Bob,  ',
  '',
  'a line\twith  spaces',
  '',
  '',
].join('\r\n');

describe('DKIM signer', () => {
  const fixture = suiteSigningKeys();

  const verify = async (message: string) => (await dkimVerify(Buffer.from(message), { resolver: fixture.resolver })).results;

  test('both signatures (rsa-sha256, ed25519-sha256) verify', async () => {
    const signer = createDkimSigner({ keys: fixture.keys.store });
    const headers = await signer.sign('example.com', Buffer.from(MESSAGE));
    assert.equal(headers.match(/^DKIM-Signature:/gm)?.length, 2);
    assert.match(headers, /a=rsa-sha256/);
    assert.match(headers, /a=ed25519-sha256/);
    assert.match(headers, /h=from:from:subject:date:message-id:to:mime-version:content-type;/, 'From over-signed');
    for (const line of headers.split('\r\n')) assert.ok(line.length <= 998);
    const results = await verify(headers + MESSAGE);
    assert.deepEqual(results.map((r) => [r.status.result, r.selector]), [['pass', 'mr' + new Date().getUTCFullYear() + 'a-rsa'], ['pass', 'mr' + new Date().getUTCFullYear() + 'a-ed']]);
  });

  test('stream input, in tiny chunks split anywhere, gives the same body hash', async () => {
    const signer = createDkimSigner({ keys: fixture.keys.store, now: () => new Date(1_800_000_000_000) });
    const whole = await signer.sign('example.com', Buffer.from(MESSAGE));
    const bytes = Buffer.from(MESSAGE);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.subarray(i, i + 3));
    const streamed = await signer.sign('example.com', Readable.from(chunks));
    const bh = (s: string) => s.match(/bh=([^;]+);/)![1];
    assert.equal(bh(streamed), bh(whole));
    assert.deepEqual((await verify(streamed + MESSAGE)).map((r) => r.status.result), ['pass', 'pass']);
  });

  test('a modified body, an added From or a changed Subject fail', async () => {
    const signer = createDkimSigner({ keys: fixture.keys.store });
    const headers = await signer.sign('example.com', Buffer.from(MESSAGE));
    const body = await verify(headers + MESSAGE.replace('Hi Bob', 'Hi Eve'));
    // mailauth reports a body hash mismatch as neutral with a comment (RFC 6376 6.3), never pass.
    assert.deepEqual(body.map((r) => [r.status.result, r.status.comment]), [['neutral', 'body hash did not verify'], ['neutral', 'body hash did not verify']]);
    const from = await verify(headers + 'From: mallory@evil.example\r\n' + MESSAGE);
    assert.deepEqual(from.map((r) => r.status.result), ['fail', 'fail']);
    const subject = await verify(headers + MESSAGE.replace('Hello', 'Invoice'));
    assert.deepEqual(subject.map((r) => r.status.result), ['fail', 'fail']);
  });

  test('relaxed body: whitespace and trailing blank lines do not matter, content does', () => {
    const hash = (s: string) => { const h = new RelaxedBodyHash(); h.update(Buffer.from(s)); return h.digest(); };
    assert.equal(hash('a  b \r\n\r\n\r\n'), hash('a b\r\n'));
    assert.equal(hash('a b'), hash('a b\r\n'));
    assert.equal(hash(''), hash('\r\n\r\n'));
    assert.notEqual(hash('a b\r\n\r\nc\r\n'), hash('a b\r\nc\r\n'));
  });

  test('a domain without keys is not signed; a message without From is refused', async () => {
    const signer = createDkimSigner({ keys: fixture.keys.store });
    assert.equal(await signer.sign('other.example', Buffer.from(MESSAGE)), '');
    await assert.rejects(signer.sign('example.com', Buffer.from('Subject: x\r\n\r\nbody\r\n')), { code: 'dkim_no_from' });
  });
});
