// The DKIM signer on a worker thread: the same signatures as on the calling thread (byte for
// byte, checked by mailauth too), large messages signed in place, errors with their codes, and a
// worker that dies fails what it held with a temporary error while the next message gets a new one.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { createDkimSigner } from '../../../mail/queue/dkim-signer.js';
import { createWorkerDkimSigner } from '../../../mail/queue/dkim-worker-signer.js';
import { suiteSigningKeys } from './dkim-test-keys.js';

const message = (n: number, body = 'Hello there.\r\n') => [
  'From: Alice <alice@example.com>',
  'To: bob@example.org',
  `Subject: message ${n}`,
  'Date: Sun, 22 Nov 2026 10:00:00 +0000',
  `Message-ID: <${n}@example.com>`,
  '',
  body,
].join('\r\n');

const NOW = () => new Date(1_800_000_000_000);

describe('DKIM signer on a worker thread', () => {
  const fixture = suiteSigningKeys();

  const verify = async (text: string) => (await dkimVerify(Buffer.from(text), { resolver: fixture.resolver })).results.map((r) => r.status.result);

  test('signs exactly as the calling thread would, for a buffer and for a stream', async (t) => {
    const worker = createWorkerDkimSigner({ keys: fixture.keys.store, now: NOW });
    t.after(() => worker.close());
    const local = createDkimSigner({ keys: fixture.keys.store, now: NOW });
    const text = message(1);
    const expected = await local.sign('example.com', Buffer.from(text));
    assert.equal(await worker.sign('example.com', Buffer.from(text)), expected);
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    assert.equal(await worker.sign('example.com', Readable.from(chunks)), expected);
    assert.deepEqual(await verify(expected + text), ['pass', 'pass']);
    assert.equal(worker.workersStarted, 1);
  });

  test('many messages at once each get their own signatures', async (t) => {
    const worker = createWorkerDkimSigner({ keys: fixture.keys.store });
    t.after(() => worker.close());
    const texts = Array.from({ length: 40 }, (_, i) => message(i, `body ${i}\r\n`));
    const headers = await Promise.all(texts.map((text) => worker.sign('example.com', Buffer.from(text))));
    for (let i = 0; i < texts.length; i++) assert.deepEqual(await verify(headers[i] + texts[i]), ['pass', 'pass'], `message ${i}`);
    assert.equal(worker.workersStarted, 1);
  });

  test('a message past maxBytes is signed on the calling thread, whole', async (t) => {
    const worker = createWorkerDkimSigner({ keys: fixture.keys.store, now: NOW, maxBytes: 1024 });
    t.after(() => worker.close());
    const text = message(2, 'x'.repeat(70) + '\r\n' + 'y'.repeat(3000) + '\r\n');
    const chunks = Buffer.from(text).toString('latin1').match(/[\s\S]{1,100}/g)!.map((c) => Buffer.from(c, 'latin1'));
    const header = await worker.sign('example.com', Readable.from(chunks));
    assert.equal(header, await createDkimSigner({ keys: fixture.keys.store, now: NOW }).sign('example.com', Buffer.from(text)));
    assert.equal(worker.workersStarted, 0, 'no worker for a large message');
  });

  test('no keys: unsigned, no worker; no From: dkim_no_from from the worker', async (t) => {
    const worker = createWorkerDkimSigner({ keys: fixture.keys.store });
    t.after(() => worker.close());
    assert.equal(await worker.sign('other.example', Buffer.from(message(3))), '');
    assert.equal(worker.workersStarted, 0);
    await assert.rejects(worker.sign('example.com', Buffer.from('Subject: x\r\n\r\nbody\r\n')), { code: 'dkim_no_from' });
    // The worker is still there for the next message.
    assert.deepEqual(await verify((await worker.sign('example.com', Buffer.from(message(4)))) + message(4)), ['pass', 'pass']);
    assert.equal(worker.workersStarted, 1);
  });

  test('a worker that dies fails what it held (temporary) and the next message starts another', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mailroom-dkim-worker-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const crashing = path.join(dir, 'crash.mjs');
    writeFileSync(crashing, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n");
    const worker = createWorkerDkimSigner({ keys: fixture.keys.store, workerUrl: pathToFileURL(crashing) });
    t.after(() => worker.close());
    await assert.rejects(worker.sign('example.com', Buffer.from(message(5))), { name: 'TemporaryError', code: 'dkim_worker_failed' });
    await assert.rejects(worker.sign('example.com', Buffer.from(message(6))), { code: 'dkim_worker_failed' });
    assert.equal(worker.workersStarted, 2);
  });

  test('after close() the next message starts a new worker', async () => {
    const worker = createWorkerDkimSigner({ keys: fixture.keys.store });
    await worker.sign('example.com', Buffer.from(message(7)));
    await worker.close();
    const header = await worker.sign('example.com', Buffer.from(message(8)));
    assert.deepEqual(await verify(header + message(8)), ['pass', 'pass']);
    assert.equal(worker.workersStarted, 2);
    await worker.close();
  });
});
