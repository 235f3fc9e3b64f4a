// The streaming signer keeps small messages in memory and spills large ones to the signing
// directory (removed afterwards); either way the output is the signature plus the exact message,
// and the signatures verify.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { dkimMessageSigner, startSigningDir } from '../../../mail/delivery/dkim-message-signer.js';
import { createDkimSigner } from '../../../mail/queue/dkim-signer.js';
import { fakeResolver, publishedTxt, tempKeyStore } from '../queue/dkim-test-keys.js';

const HEADER = 'From: Alice <alice@example.com>\r\nTo: bob@far.test\r\nSubject: size test\r\n\r\n';

function messageOf(bodyBytes: number): Buffer {
  return Buffer.from(HEADER + 'x'.repeat(78).concat('\r\n').repeat(Math.ceil(bodyBytes / 80)));
}

async function* chunked(message: Buffer, size = 16 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < message.length; i += size) yield message.subarray(i, i + size);
}

describe('dkimMessageSigner', () => {
  let keys: Awaited<ReturnType<typeof tempKeyStore>>;
  let dir: string;
  let resolver: ReturnType<typeof fakeResolver>;
  before(async () => {
    keys = await tempKeyStore(['example.com']);
    resolver = fakeResolver(await publishedTxt(keys.store, 'example.com'));
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'mailroom-signing-')), 'signing');
    await startSigningDir(dir);
  });
  after(() => { keys.cleanup(); rmSync(path.dirname(dir), { recursive: true, force: true }); });

  /** Signs `message`; returns the output and whether a file existed in the signing dir while it streamed out. */
  async function sign(message: Buffer, memoryLimit: number): Promise<{ out: Buffer; spilled: boolean }> {
    const signer = dkimMessageSigner(createDkimSigner({ keys: keys.store }), dir, { memoryLimit });
    const parts: Buffer[] = [];
    let spilled = false;
    for await (const chunk of signer({ domain: 'example.com', message: chunked(message) })) {
      if (parts.length === 0) spilled = readdirSync(dir).length > 0;
      parts.push(chunk);
    }
    return { out: Buffer.concat(parts), spilled };
  }

  for (const [name, bodyBytes, memoryLimit, spills] of [
    ['a small message stays in memory: no temporary file', 20_000, 256 * 1024, false],
    ['a message past the memory limit spills to a file, removed afterwards', 100_000, 32 * 1024, true],
  ] as const) {
    it(name, async () => {
      const message = messageOf(bodyBytes);
      const { out, spilled } = await sign(message, memoryLimit);
      assert.equal(spilled, spills);
      assert.deepEqual(readdirSync(dir), [], 'nothing left in the signing directory');
      const text = out.toString('latin1');
      assert.ok(text.startsWith('DKIM-Signature: '));
      assert.ok(out.subarray(out.length - message.length).equals(message), 'the message follows its signatures unchanged');
      const results = (await dkimVerify(out, { resolver })).results;
      assert.deepEqual(results.map((r: { status: { result: string } }) => r.status.result), ['pass', 'pass']);
    });
  }

  it('a failing message stream leaves no file behind', async () => {
    const signer = dkimMessageSigner(createDkimSigner({ keys: keys.store }), dir, { memoryLimit: 1024 });
    async function* dying(): AsyncGenerator<Buffer> { yield messageOf(4096); throw new Error('client went away'); }
    await assert.rejects(async () => { for await (const _ of signer({ domain: 'example.com', message: dying() })) { /* drain */ } }, /went away/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
