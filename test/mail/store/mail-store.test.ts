import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STANDARD_FOLDERS, type MailboxChange } from '../../../mail/store/contracts.js';
import { locateBlob } from '../../../mail/store/fs/blob-layout.js';
import { blobFiles, chunks, message, openStoreFixture, readAll, type StoreFixture } from './store-fixture.js';

const ALICE = 'u-alice';
const BOB = 'u-bob';
const CAROL = 'u-carol';

async function deliver(f: StoreFixture, raw: string | Buffer, targets: { userId: string; folder?: string; flags?: string[] }[], internalDate?: Date) {
  const tx = f.store.beginDelivery(internalDate ? { internalDate } : {});
  for (const t of targets) tx.addRecipient(t);
  await tx.writeBody(chunks(raw, 512));
  return tx.commit();
}

describe('SqliteMailStore', () => {
  let f: StoreFixture;
  beforeEach(async () => { f = await openStoreFixture(); });
  afterEach(async () => { await f.cleanup(); });

  it('creates the standard folders with special-use, once', async () => {
    await f.store.createMailbox(ALICE);
    await f.store.createMailbox(ALICE);
    const folders = await f.store.listFolders(ALICE);
    assert.deepEqual(folders.map((x) => x.name).sort(), STANDARD_FOLDERS.map((x) => x.name).sort());
    assert.equal(folders[0]!.name, 'INBOX');
    assert.equal(folders.find((x) => x.name === 'Junk')!.specialUse, '\\Junk');
    assert.equal(new Set(folders.map((x) => x.uidValidity)).size, folders.length, 'every folder creation gets its own UIDVALIDITY');
    for (const x of folders) assert.deepEqual([x.uidNext, x.messages, x.unseen, x.size, x.subscribed], [1, 0, 0, 0, true]);
    assert.equal(await f.store.getFolder(ALICE, 'nope'), null);
    assert.equal((await f.store.getFolder(ALICE, 'inbox'))!.name, 'INBOX', 'INBOX is case-insensitive');
  });

  it('stores one blob and one row per recipient folder', async () => {
    for (const u of [ALICE, BOB, CAROL]) await f.store.createMailbox(u);
    const raw = message('Three recipients');
    const receipt = await deliver(f, raw, [{ userId: ALICE }, { userId: BOB }, { userId: CAROL, folder: 'Archive', flags: ['\\Seen'] }, { userId: ALICE, folder: 'inbox' }]);
    assert.equal(receipt.size, Buffer.byteLength(raw));
    assert.deepEqual(receipt.delivered, [
      { userId: ALICE, folder: 'INBOX', uid: 1 },
      { userId: BOB, folder: 'INBOX', uid: 1 },
      { userId: CAROL, folder: 'Archive', uid: 1 },
    ]);
    assert.equal(blobFiles(f.dir).length, 1, 'one file for all recipients');
    const blobRow = f.db.prepare('SELECT refcount, size FROM blobs WHERE blob_id = ?').get(receipt.blobId);
    assert.deepEqual(blobRow, { refcount: 3, size: raw.length });
    assert.equal((f.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, 3);

    const second = await deliver(f, message('Second'), [{ userId: ALICE }]);
    assert.equal(second.delivered[0]!.uid, 2);

    const inbox = (await f.store.getFolder(ALICE, 'INBOX'))!;
    assert.deepEqual([inbox.uidNext, inbox.messages, inbox.unseen, inbox.highestModseq], [3, 2, 2, 3]);
    const archive = (await f.store.getFolder(CAROL, 'Archive'))!;
    assert.deepEqual([archive.messages, archive.unseen], [1, 0]);

    const list = await f.store.listMessages(ALICE, 'INBOX');
    assert.deepEqual(list.map((m) => [m.uid, m.subject, m.from]), [[1, 'Three recipients', 'Sender <sender@example.org>'], [2, 'Second', 'Sender <sender@example.org>']]);
    assert.equal(list[0]!.date?.toISOString(), '2025-06-02T10:00:00.000Z');

    const stored = (await f.store.getMessage(CAROL, 'Archive', 1))!;
    assert.deepEqual(stored.flags, ['\\Seen']);
    assert.equal(stored.blobId, receipt.blobId);
    assert.equal(stored.index.envelope.subject, 'Three recipients');
    assert.ok(stored.index.date instanceof Date);
    assert.ok(stored.index.searchText.includes('Hello there.'));
    assert.equal(await f.store.getMessage(CAROL, 'Archive', 2), null);
  });

  it('delivers to a user without folders by creating them, and to INBOX when a folder is missing', async () => {
    const r = await deliver(f, message('lazy'), [{ userId: ALICE, folder: 'Projects/Unknown' }]);
    assert.deepEqual(r.delivered, [{ userId: ALICE, folder: 'INBOX', uid: 1 }]);
    assert.equal((await f.store.listFolders(ALICE)).length, STANDARD_FOLDERS.length);
  });

  it('openMessage returns exact bytes and byte ranges', async () => {
    const raw = Buffer.from(message('Ranges', 'x'.repeat(10_000) + '\r\n'));
    const r = await deliver(f, raw, [{ userId: ALICE }]);
    assert.deepEqual(await readAll(f.store.openMessage(r.blobId)), raw);
    const m = (await f.store.getMessage(ALICE, 'INBOX', 1))!;
    const header = await readAll(f.store.openMessage(r.blobId, { start: m.index.body.headerStart, end: m.index.body.bodyStart }));
    assert.equal(header.toString(), raw.subarray(0, m.index.body.bodyStart).toString());
    assert.ok(header.toString().endsWith('\r\n\r\n'));
    assert.deepEqual(await readAll(f.store.openMessage(r.blobId, { start: 5000 })), raw.subarray(5000));
    assert.deepEqual(await readAll(f.store.openMessage(r.blobId, { start: 10, end: 20 })), raw.subarray(10, 20));
  });

  it('abort leaves nothing behind', async () => {
    await f.store.createMailbox(ALICE);
    const tx = f.store.beginDelivery();
    tx.addRecipient({ userId: ALICE });
    await tx.writeBody(chunks(message('aborted', 'y'.repeat(200_000))));
    await tx.abort();
    assert.deepEqual(blobFiles(f.dir), []);
    assert.equal((f.db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n, 0);
    assert.equal((await f.store.getFolder(ALICE, 'INBOX'))!.uidNext, 1);
    await assert.rejects(tx.commit(), { code: 'delivery_not_ready' });
  });

  it('a body stream that fails aborts the delivery', async () => {
    const tx = f.store.beginDelivery();
    tx.addRecipient({ userId: ALICE });
    async function* broken() { yield Buffer.from('Subject: x\r\n\r\npartial'); throw new Error('connection reset'); }
    await assert.rejects(tx.writeBody(broken()), /connection reset/);
    assert.deepEqual(blobFiles(f.dir), []);
  });

  it('refuses to commit without recipients', async () => {
    const tx = f.store.beginDelivery();
    await tx.writeBody(chunks(message('nobody')));
    await assert.rejects(tx.commit(), { code: 'delivery_no_recipients' });
    await tx.abort();
    assert.deepEqual(blobFiles(f.dir), []);
  });

  it('when the SQLite part fails, the blob is removed and only that delivery fails', async () => {
    await f.store.createMailbox(ALICE);
    f.db.exec("CREATE TRIGGER refuse_poison BEFORE INSERT ON blobs WHEN NEW.subject = 'poison' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
    const results = await Promise.allSettled([
      deliver(f, message('good 1'), [{ userId: ALICE }]),
      deliver(f, message('poison'), [{ userId: ALICE }]),
      deliver(f, message('good 2'), [{ userId: ALICE }]),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'store_index_failed');
    assert.equal(blobFiles(f.dir).length, 2);
    const uids = (await f.store.listMessages(ALICE, 'INBOX')).map((m) => m.uid);
    assert.deepEqual(uids, [1, 2], 'the failed delivery used no UID');
  });

  it('200 concurrent deliveries get unique increasing UIDs in few transactions', async () => {
    await f.store.createMailbox(ALICE);
    await f.store.createMailbox(BOB);
    const before = { ...f.store.commitStats };
    const receipts = await Promise.all(Array.from({ length: 200 }, (_, i) => deliver(f, message(`concurrent ${i}`), [{ userId: ALICE }, { userId: BOB }])));
    const uids = receipts.map((r) => r.delivered[0]!.uid).sort((a, b) => a - b);
    assert.deepEqual(uids, Array.from({ length: 200 }, (_, i) => i + 1));
    const transactions = f.store.commitStats.transactions - before.transactions;
    assert.equal(f.store.commitStats.jobs - before.jobs, 200);
    assert.ok(transactions < 100, `group commit batches: ${transactions} transactions for 200 deliveries`);
    assert.ok(f.store.commitStats.largestBatch > 1);
    const list = await f.store.listMessages(BOB, 'INBOX');
    assert.equal(list.length, 200);
    const folder = (await f.store.getFolder(BOB, 'INBOX'))!;
    assert.deepEqual([folder.uidNext, folder.highestModseq, folder.messages], [201, 201, 200]);
  });

  it('keeps UIDVALIDITY, UIDNEXT and flags across a reopen', async () => {
    await f.store.createMailbox(ALICE);
    await deliver(f, message('persist'), [{ userId: ALICE, flags: ['\\Seen', '$Important'] }]);
    const before = (await f.store.getFolder(ALICE, 'INBOX'))!;
    await f.reopen();
    const after = (await f.store.getFolder(ALICE, 'INBOX'))!;
    assert.deepEqual(after, before);
    assert.equal(after.uidNext, 2);
    assert.deepEqual((await f.store.getMessage(ALICE, 'INBOX', 1))!.flags, ['\\Seen', '$Important']);
    const r = await deliver(f, message('after reopen'), [{ userId: ALICE }]);
    assert.equal(r.delivered[0]!.uid, 2);
  });

  it('gives a recreated mailbox new UIDVALIDITY values, even with a clock stuck in place', async () => {
    const stuck = new Date('2025-06-02T00:00:00Z');
    const g = await openStoreFixture({ now: () => stuck });
    try {
      await g.store.createMailbox(ALICE);
      const first = (await g.store.getFolder(ALICE, 'INBOX'))!.uidValidity;
      await deliver(g, message('to be deleted'), [{ userId: ALICE }]);
      await g.store.deleteMailbox(ALICE);
      assert.deepEqual(await g.store.listFolders(ALICE), []);
      assert.deepEqual(blobFiles(g.dir), [], 'bodies nobody refers to are removed');
      await g.store.createMailbox(ALICE);
      const second = (await g.store.getFolder(ALICE, 'INBOX'))!.uidValidity;
      assert.ok(second > first);
    } finally {
      await g.cleanup();
    }
  });

  it('deleteMailbox keeps bodies other users still have', async () => {
    const r = await deliver(f, message('shared'), [{ userId: ALICE }, { userId: BOB }]);
    await f.store.deleteMailbox(ALICE);
    assert.equal(blobFiles(f.dir).length, 1);
    assert.deepEqual(f.db.prepare('SELECT refcount FROM blobs WHERE blob_id = ?').get(r.blobId), { refcount: 1 });
    assert.equal((await f.store.listMessages(BOB, 'INBOX')).length, 1);
  });

  it('usage() sums bytes and messages over all folders', async () => {
    const a = message('one');
    const b = message('two', 'longer body\r\n'.repeat(10));
    await deliver(f, a, [{ userId: ALICE }]);
    await deliver(f, b, [{ userId: ALICE, folder: 'Archive' }, { userId: BOB }]);
    assert.deepEqual(await f.store.usage(ALICE), { bytes: a.length + b.length, messages: 2 });
    assert.deepEqual(await f.store.usage(BOB), { bytes: b.length, messages: 1 });
    assert.deepEqual(await f.store.usage('u-nobody'), { bytes: 0, messages: 0 });
  });

  it('tells subscribers about new messages after the commit', async () => {
    await f.store.createMailbox(ALICE);
    const seen: MailboxChange[] = [];
    const off = f.store.subscribe(ALICE, (c) => seen.push(c));
    f.store.subscribe(ALICE, () => { throw new Error('a broken listener'); });
    await deliver(f, message('event'), [{ userId: ALICE }, { userId: BOB }]);
    off();
    await deliver(f, message('unheard'), [{ userId: ALICE }]);
    assert.deepEqual(seen, [{ userId: ALICE, folder: 'INBOX', kind: 'exists', uids: [1], modseq: 2 }]);
  });

  it('sweeps orphan blobs older than the grace period only', async () => {
    const kept = await deliver(f, message('referenced'), [{ userId: ALICE }]);
    const orphan = f.blobs.create();
    await orphan.write(Buffer.from('crashed before the SQLite commit'));
    await orphan.commit();
    const young = f.blobs.create();
    await young.write(Buffer.from('a delivery in flight'));
    await young.commit();
    const old = new Date(Date.now() - 3_600_000);
    for (const id of [kept.blobId, orphan.id]) utimesSync(locateBlob(path.join(f.dir, 'blobs'), id)!.file, old, old);
    assert.equal(await f.store.sweepOrphanBlobs(), 1);
    assert.equal(await f.blobs.exists(orphan.id), false);
    assert.equal(await f.blobs.exists(kept.blobId), true);
    assert.equal(await f.blobs.exists(young.id), true);
  });

  it('close() waits for queued commits and refuses new deliveries', async () => {
    const pending = deliver(f, message('in flight'), [{ userId: ALICE }]);
    await new Promise((r) => setImmediate(r));
    await pending;
    await f.store.close();
    assert.throws(() => f.store.beginDelivery(), { code: 'store_closed' });
  });
});

describe('SqliteMailStore group commit failures', () => {
  it('an error that ends the whole transaction fails the whole batch and stores nothing of it', async () => {
    // A wide window puts all three deliveries into one batch.
    const f = await openStoreFixture({ groupCommitWindowMs: 100 });
    try {
      await f.store.createMailbox(ALICE);
      f.db.exec("CREATE TRIGGER rollback_all BEFORE INSERT ON blobs WHEN NEW.subject = 'rollback' BEGIN SELECT RAISE(ROLLBACK, 'whole transaction gone'); END");
      const results = await Promise.allSettled([
        deliver(f, message('before'), [{ userId: ALICE }]),
        deliver(f, message('rollback'), [{ userId: ALICE }]),
        deliver(f, message('after'), [{ userId: ALICE }]),
      ]);
      const stored = (await f.store.listMessages(ALICE, 'INBOX')).map((m) => m.subject);
      const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(stored.length, fulfilled, 'every stored message was acknowledged and vice versa');
      assert.equal(blobFiles(f.dir).length, fulfilled, 'no orphan and no missing body');
      assert.ok(!stored.includes('rollback'));
      assert.equal(f.store.commitStats.jobs, fulfilled);
    } finally {
      await f.cleanup();
    }
  });
});
