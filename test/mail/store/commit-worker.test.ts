// The commit worker dying: the batch it held fails with a TemporaryError (or resolves, when the
// database shows it committed), its blobs follow the index, and the next batch gets a new worker.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { BlobStore } from '../../../mail/store/contracts.js';
import { blobFiles, chunks, message, openStoreFixture, type StoreFixture } from './store-fixture.js';

const ALICE = 'u-alice';
const CRASHING_WORKER = new URL('./crashing-commit-worker.js', import.meta.url);

async function deliver(f: StoreFixture, subject: string) {
  const tx = f.store.beginDelivery();
  tx.addRecipient({ userId: ALICE });
  await tx.writeBody(chunks(message(subject)));
  return tx.commit();
}

function count(f: StoreFixture, table: string): number {
  return (f.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('commit worker crashes', () => {
  let f: StoreFixture;
  // A wide window puts concurrent deliveries into one batch.
  beforeEach(async () => { f = await openStoreFixture({ commitWorkerUrl: CRASHING_WORKER, groupCommitWindowMs: 100 }); });
  afterEach(async () => { await f.cleanup(); });

  for (const cue of ['crash before commit', 'crash inside transaction']) {
    it(`${cue}: the batch fails with a TemporaryError, nothing of it stays, a new worker takes the next`, async () => {
      await f.store.createMailbox(ALICE);
      const results = await Promise.allSettled([deliver(f, cue), deliver(f, 'same batch')]);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.equal(r.reason.code, 'store_index_failed');
        assert.equal(r.reason.cause.code, 'store_commit_worker_died');
        assert.equal(r.reason.cause.name, 'TemporaryError');
      }
      assert.deepEqual(blobFiles(f.dir), []);
      assert.deepEqual([count(f, 'blobs'), count(f, 'messages'), count(f, 'message_text')], [0, 0, 0]);
      const inbox = (await f.store.getFolder(ALICE, 'INBOX'))!;
      assert.deepEqual([inbox.uidNext, inbox.messages, inbox.highestModseq], [1, 0, 1], 'the rolled-back batch used no UID');

      const after = await deliver(f, 'after the crash');
      assert.deepEqual(after.delivered, [{ userId: ALICE, folder: 'INBOX', uid: 1 }]);
      assert.equal(blobFiles(f.dir).length, 1);
      assert.equal(f.store.commitStats.workersStarted, 2);
      assert.equal(f.store.commitStats.jobs, 1);
    });
  }

  it('crash after commit: the committed deliveries resolve from the database and keep their blobs', async () => {
    await f.store.createMailbox(ALICE);
    const receipts = await Promise.all([deliver(f, 'crash after commit'), deliver(f, 'same batch')]);
    assert.deepEqual(receipts.map((r) => r.delivered[0]!.uid).sort(), [1, 2]);
    assert.equal(blobFiles(f.dir).length, 2);
    const listed = await f.store.listMessages(ALICE, 'INBOX');
    assert.deepEqual(listed.map((m) => m.subject).sort(), ['crash after commit', 'same batch']);
    const next = await deliver(f, 'next');
    assert.equal(next.delivered[0]!.uid, 3);
    assert.equal(f.store.commitStats.workersStarted, 2);
    assert.equal(f.store.commitStats.jobs, 3);
  });

  it('a delivery to a user without folders creates them in the worker, after a crash too', async () => {
    await assert.rejects(deliver(f, 'crash before commit'), { code: 'store_index_failed' });
    assert.deepEqual(await f.store.listFolders(ALICE), []);
    const r = await deliver(f, 'lazy folders');
    assert.deepEqual(r.delivered, [{ userId: ALICE, folder: 'INBOX', uid: 1 }]);
    assert.equal((await f.store.listFolders(ALICE)).length, 6);
  });
});

describe('commit worker lifecycle', () => {
  it('close() waits for queued commits, stops the worker and refuses late commits', async () => {
    // The window keeps the queued delivery waiting in the queue while close() is called.
    const f = await openStoreFixture({ groupCommitWindowMs: 200 });
    try {
      const late = f.store.beginDelivery();
      late.addRecipient({ userId: ALICE });
      await late.writeBody(chunks(message('late')));
      const queued = deliver(f, 'queued');
      // Wait until it is in the commit queue (its body fsyncs first, slow on a busy disk).
      for (const deadline = Date.now() + 30_000; f.store.commitStats.enqueued < 1 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 5));
      assert.equal(f.store.commitStats.enqueued, 1, 'the queued delivery reached the commit queue');
      await f.store.close();
      assert.equal((await queued).delivered[0]!.uid, 1);
      await assert.rejects(late.commit(), (err: { code: string; cause: { code: string } }) => err.code === 'store_index_failed' && err.cause.code === 'store_closed');
      assert.equal(blobFiles(f.dir).length, 1, 'the late delivery left no body');
      assert.equal(f.store.commitStats.workersStarted, 1);
    } finally {
      await f.cleanup();
    }
  });

  it('refuses an in-memory database, which a second connection cannot share', async () => {
    const { SqliteMailStore } = await import('../../../mail/store/sqlite/mail-store.js');
    const { openDatabase } = await import('../../../mail/store/sqlite/database.js');
    const db = openDatabase(':memory:');
    try {
      assert.throws(() => new SqliteMailStore({ db, blobs: {} as BlobStore }), { code: 'store_needs_file' });
    } finally {
      db.close();
    }
  });
});
