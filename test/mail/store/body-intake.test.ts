// The intake of small bodies (mail/store/sqlite/body-spill.ts): a small body is stored with its
// rows and moved to its blob file by the commit worker afterwards. A real store in a temp
// directory, its real worker thread, real files.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { locateBlob } from '../../../mail/store/fs/blob-layout.js';
import { listNamedMessageFiles } from '../../../mail/store/sqlite/online-backup.js';
import { blobFiles, chunks, message, openStoreFixture, readAll, waitFor, type StoreFixture } from './store-fixture.js';

const ALICE = 'u-alice';

async function deliver(f: StoreFixture, raw: string | Buffer, userId = ALICE) {
  const tx = f.store.beginDelivery();
  tx.addRecipient({ userId });
  await tx.writeBody(chunks(raw, 700));
  return tx.commit();
}

function pendingCount(f: StoreFixture): number {
  return (f.db.prepare('SELECT count(*) AS n FROM pending_bodies').get() as { n: number }).n;
}

function blobFile(f: StoreFixture, blobId: string): string {
  return locateBlob(path.join(f.dir, 'blobs'), blobId)!.file;
}


describe('body intake', () => {
  let f: StoreFixture;
  beforeEach(async () => {
    // Bodies are moved only on request here (drainIntake), or by a reopened store, so that what
    // each test looks at does not depend on how fast this machine is.
    f = await openStoreFixture({ intake: { quietMs: 60_000 } });
    await f.store.createMailbox(ALICE);
  });
  afterEach(async () => { await f.cleanup(); });

  it('commits a small body with its rows, serves it from there, then moves it to its file', async () => {
    const raw = message('Small one', 'A short body.\r\n'.repeat(40));
    const receipt = await deliver(f, raw);
    // The 250 came before any file: the worker waits for a quiet moment to write it.
    assert.equal(pendingCount(f), 1);
    assert.equal(existsSync(blobFile(f, receipt.blobId)), false);
    assert.equal((await readAll(f.store.openMessage(receipt.blobId))).toString(), raw);
    assert.equal((await readAll(f.store.openMessage(receipt.blobId, { start: 6, end: 20 }))).toString(), raw.slice(6, 20));
    assert.equal((await readAll(f.store.openMessage(receipt.blobId, { start: 30, end: 30 }))).length, 0);

    await f.store.drainIntake();
    assert.equal(pendingCount(f), 0);
    assert.equal(readFileSync(blobFile(f, receipt.blobId), 'utf8'), raw);
    assert.equal((await readAll(f.store.openMessage(receipt.blobId, { start: 6, end: 20 }))).toString(), raw.slice(6, 20));
    const [summary] = await f.store.listMessages(ALICE, 'INBOX');
    assert.equal(summary!.size, Buffer.byteLength(raw));
  });

  it('writes a body larger than the hold to its file before the commit, never to the intake', async () => {
    const raw = message('Large one', 'x'.repeat(76).concat('\r\n').repeat(1200)); // ~94 KB
    const receipt = await deliver(f, raw);
    assert.equal(pendingCount(f), 0);
    assert.equal(readFileSync(blobFile(f, receipt.blobId), 'utf8'), raw);
    assert.equal((await readAll(f.store.openMessage(receipt.blobId))).toString(), raw);
  });

  it('drops the body of a message expunged before its move, and writes no file for it', async () => {
    const receipt = await deliver(f, message('Gone soon'));
    await f.store.setFlags(ALICE, 'INBOX', [1], 'add', ['\\Deleted']);
    assert.equal(await f.store.expunge(ALICE, 'INBOX', [1]), 1);
    assert.equal(pendingCount(f), 0, 'the intake row goes with its blob');
    await f.store.drainIntake();
    assert.deepEqual(blobFiles(f.dir), []);
    assert.equal(existsSync(blobFile(f, receipt.blobId)), false);
  });

  it('moves what a stopped daemon left, replacing a partial file a cut-short move wrote', async () => {
    const raws = [message('Left one', 'one\r\n'), message('Left two', 'two\r\n'), message('Left three', 'three\r\n')];
    const receipts = [];
    for (const raw of raws) receipts.push(await deliver(f, raw));
    // Closed before the worker's quiet moment: the bodies stay in the intake.
    await f.store.close();
    assert.equal(pendingCount(f), 3);
    // A move cut short by the stop: the file exists but is partial.
    const partial = blobFile(f, receipts[1]!.blobId);
    mkdirSync(path.dirname(partial), { recursive: true });
    writeFileSync(partial, raws[1]!.slice(0, 10));

    await f.reopen();
    assert.equal((await readAll(f.store.openMessage(receipts[1]!.blobId))).toString(), raws[1], 'read from the intake, not the partial file');
    await f.store.drainIntake();
    assert.equal(pendingCount(f), 0);
    receipts.forEach((r, i) => assert.equal(readFileSync(blobFile(f, r.blobId), 'utf8'), raws[i]));
  });

  it('leaves bodies in the intake out of the backup\'s file list: they are rows of the copied database', async () => {
    const inIntake = await deliver(f, message('Pending'));
    const names = listNamedMessageFiles(path.join(f.dir, 'mailroom.db'));
    assert.deepEqual(names.messages, []);
    await f.store.drainIntake();
    const after = listNamedMessageFiles(path.join(f.dir, 'mailroom.db'));
    assert.deepEqual(after.messages, [path.relative(f.dir, blobFile(f, inIntake.blobId))]);
  });

  it('moves a burst of concurrent deliveries, each body to its own file', async () => {
    const raws = Array.from({ length: 300 }, (_, i) => message(`Burst ${i}`, `body ${i}\r\n`.repeat(i % 50 + 1)));
    const receipts = await Promise.all(raws.map((raw) => deliver(f, raw)));
    assert.ok(f.store.commitStats.largestBatch > 1, 'the burst was group-committed');
    await f.store.drainIntake();
    assert.equal(pendingCount(f), 0);
    receipts.forEach((r, i) => assert.equal(readFileSync(blobFile(f, r.blobId), 'utf8'), raws[i]));
    assert.equal(blobFiles(f.dir).length, 300);
  });
});

describe('body intake, as the daemon runs it', () => {
  it('moves what the previous run left, by itself, after a restart', async () => {
    const f = await openStoreFixture({ intake: true });
    try {
      await f.store.createMailbox(ALICE);
      const raws = Array.from({ length: 5 }, (_, i) => message(`Restart ${i}`));
      const receipts = await Promise.all(raws.map((raw) => deliver(f, raw)));
      // Stopped right away: whatever the worker had not moved yet stays in the intake.
      await f.reopen();
      await waitFor(() => pendingCount(f) === 0, 'the restarted store to move the bodies');
      receipts.forEach((r, i) => assert.equal(readFileSync(blobFile(f, r.blobId), 'utf8'), raws[i]));
    } finally {
      await f.cleanup();
    }
  });

  it('moves the bodies by itself once deliveries pause', async () => {
    const f = await openStoreFixture({ intake: true });
    try {
      await f.store.createMailbox(ALICE);
      const raws = Array.from({ length: 20 }, (_, i) => message(`Paused ${i}`));
      const receipts = await Promise.all(raws.map((raw) => deliver(f, raw)));
      await waitFor(() => pendingCount(f) === 0, 'the worker to move the bodies');
      receipts.forEach((r, i) => assert.equal(readFileSync(blobFile(f, r.blobId), 'utf8'), raws[i]));
    } finally {
      await f.cleanup();
    }
  });
});

describe('body intake off (the CLI\'s stores)', () => {
  it('writes every body to its file before the commit', async () => {
    const f = await openStoreFixture();
    try {
      await f.store.createMailbox(ALICE);
      const raw = message('Plain');
      const receipt = await deliver(f, raw);
      assert.equal(pendingCount(f), 0);
      assert.equal(readFileSync(blobFile(f, receipt.blobId), 'utf8'), raw);
    } finally {
      await f.cleanup();
    }
  });
});
