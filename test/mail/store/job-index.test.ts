// Small bodies are indexed by the commit worker from their bytes, large ones on the main thread as
// they stream (mail/store/sqlite/job-index.ts). Whichever side does it, the stored index must be
// the one the streaming indexer makes, including around the hold's limit.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createMessageIndexer } from '../../../mail/protocol/mime/message-indexer.js';
import { HeldBody } from '../../../mail/store/sqlite/held-body.js';
import { INDEX_IN_WORKER_MAX_BYTES, indexBytes, jobTransfers } from '../../../mail/store/sqlite/job-index.js';
import { chunks, openStoreFixture, type StoreFixture } from './store-fixture.js';

const ALICE = 'u-alice';

function multipart(subject: string, bodyBytes: number): Buffer {
  const filler = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(bodyBytes / 27)).slice(0, bodyBytes);
  return Buffer.from([
    'From: Sender <sender@example.org>', 'To: alice@example.com', `Subject: ${subject}`,
    'Date: Mon, 02 Jun 2025 10:00:00 +0000', 'Message-ID: <m-' + bodyBytes + '@example.org>',
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
    '--b1', 'Content-Type: text/plain; charset=utf-8', '', `needleword ${filler}`, '',
    '--b1', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', 'AAEC', '',
    '--b1--', '',
  ].join('\r\n'));
}

function streamed(raw: Buffer, size: number) {
  const indexer = createMessageIndexer();
  for (let i = 0; i < raw.length; i += size) indexer.feed(raw.subarray(i, i + size));
  return indexer.finish();
}

describe('HeldBody', () => {
  it('holds copies up to its limit, refuses past it, and hands over one buffer of its own', () => {
    const hold = new HeldBody(20_000);
    const chunk = Buffer.alloc(9000, 0x61);
    assert.equal(hold.add(chunk), true);
    chunk.fill(0x62); // the producer reuses its chunk: the hold kept a copy
    assert.equal(hold.add(chunk), true);
    assert.equal(hold.add(Buffer.alloc(2001)), false, 'past the limit');
    assert.equal(hold.size, 18_000);
    const bytes = hold.take();
    assert.equal(bytes.length, 18_000);
    assert.equal(bytes[0], 0x61);
    assert.equal(bytes[17_999], 0x62);
    assert.ok(bytes.buffer.byteLength <= 20_000, 'never grows past the limit');
    assert.equal(hold.size, 0);
  });
});

describe('where a delivery is indexed', () => {
  let f: StoreFixture;
  beforeEach(async () => { f = await openStoreFixture(); await f.store.createMailbox(ALICE); });
  afterEach(async () => { await f.cleanup(); });

  it('indexes bytes exactly as the streaming indexer does', () => {
    const raw = multipart('same either way', 3000);
    assert.deepEqual(indexBytes(new Uint8Array(raw)), streamed(raw, 100));
  });

  for (const [label, size] of [['a small body (the worker indexes it)', 2000], ['a body just under the hold', INDEX_IN_WORKER_MAX_BYTES - 900], ['a body just over the hold (indexed while it streams)', INDEX_IN_WORKER_MAX_BYTES + 10], ['a large body', 300_000]] as const) {
    it(`stores the streaming indexer's index for ${label}`, async () => {
      const raw = multipart(`size ${size}`, size);
      const tx = f.store.beginDelivery({});
      tx.addRecipient({ userId: ALICE });
      await tx.writeBody(chunks(raw, 4096));
      const receipt = await tx.commit();
      const stored = (await f.store.getMessage(ALICE, 'INBOX', receipt.delivered[0]!.uid))!;
      assert.deepEqual(stored.index, streamed(raw, 4096));
      assert.equal(stored.index.envelope.subject, `size ${size}`);
      assert.ok(stored.index.searchText.includes('needleword'));
    });
  }

  it('hands a small body to the worker without a copy, and nothing for an indexed one', () => {
    const bytes = new Uint8Array(100);
    assert.deepEqual(jobTransfers({ blobId: 'b', size: 100, content: { bytes }, targets: [], internalDate: new Date() }), [bytes.buffer]);
    assert.deepEqual(jobTransfers({ blobId: 'b', size: 100, content: { index: streamed(multipart('x', 10), 10) }, targets: [], internalDate: new Date() }), []);
  });
});
