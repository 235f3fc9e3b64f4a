import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MailboxChange } from '../../../mail/store/contracts.js';
import { ALICE, BOB, deliver, openStoreWithAliceAndBob } from './imap-helpers.js';
import { blobFiles, message, readAll, type StoreFixture } from './store-fixture.js';

describe('SqliteMailStore.expunge and listMessageRefs', () => {
  let f: StoreFixture;
  beforeEach(async () => { f = await openStoreWithAliceAndBob(); });
  afterEach(async () => { await f.cleanup(); });

  it('lists uid, size, blob and a UIDVALIDITY-qualified unique id', async () => {
    const a = await deliver(f, message('One'), [{ userId: ALICE }]);
    const b = await deliver(f, message('Two'), [{ userId: ALICE }]);
    const inbox = (await f.store.getFolder(ALICE, 'INBOX'))!;
    assert.deepEqual(await f.store.listMessageRefs(ALICE, 'inbox'), [
      { uid: 1, size: a.size, blobId: a.blobId, uniqueId: `${inbox.uidValidity}.1` },
      { uid: 2, size: b.size, blobId: b.blobId, uniqueId: `${inbox.uidValidity}.2` },
    ]);
    assert.deepEqual(await f.store.listMessageRefs(ALICE, 'Nope'), []);
  });

  it('removes messages durably: counters, MODSEQ, change event, body file when unreferenced', async () => {
    const shared = await deliver(f, message('Shared'), [{ userId: ALICE }, { userId: BOB }]);
    const own = await deliver(f, message('Own'), [{ userId: ALICE, flags: ['\\Seen'] }]);
    await deliver(f, message('Kept'), [{ userId: ALICE }]);
    const before = (await f.store.getFolder(ALICE, 'INBOX'))!;
    const changes: MailboxChange[] = [];
    f.store.subscribe(ALICE, (c) => changes.push(c));

    // 99 does not exist and 2 is named twice: both ignored.
    assert.equal(await f.store.expunge(ALICE, 'INBOX', [2, 1, 99, 2]), 2);

    const after = (await f.store.getFolder(ALICE, 'INBOX'))!;
    assert.equal(after.messages, 1);
    assert.equal(after.unseen, before.unseen - 1, 'only the unseen one counted out of unseen');
    assert.equal(after.size, before.size - shared.size - own.size);
    assert.equal(after.highestModseq, before.highestModseq + 1, 'one MODSEQ for the whole expunge');
    assert.equal(after.uidNext, before.uidNext, 'UIDs are never reused');
    assert.deepEqual(changes, [{ userId: ALICE, folder: 'INBOX', kind: 'expunge', uids: [1, 2], modseq: after.highestModseq }]);
    assert.deepEqual((await f.store.listMessages(ALICE, 'INBOX')).map((m) => m.subject), ['Kept']);

    // Bob's copy keeps the shared body; Alice's own body is gone, file and rows.
    assert.equal(await f.blobs.exists(shared.blobId), true);
    assert.equal((await readAll(f.store.openMessage(shared.blobId))).toString(), message('Shared'));
    assert.equal(await f.blobs.exists(own.blobId), false);
    assert.deepEqual(f.db.prepare('SELECT count(*) AS n FROM blobs WHERE blob_id = ?').get(own.blobId), { n: 0 });
    assert.deepEqual(f.db.prepare('SELECT refcount FROM blobs WHERE blob_id = ?').get(shared.blobId), { refcount: 1 });
    assert.equal(blobFiles(f.dir).length, 2);

    // Bob expunges the last copy: now the shared body goes too, search text included.
    assert.equal(await f.store.expunge(BOB, 'INBOX', [1]), 1);
    assert.equal(await f.blobs.exists(shared.blobId), false);
    assert.equal((f.db.prepare('SELECT count(*) AS n FROM message_text').get() as { n: number }).n, 1);
  });

  it('survives a reopen (durable) and is idempotent', async () => {
    await deliver(f, message('Gone'), [{ userId: ALICE }]);
    assert.equal(await f.store.expunge(ALICE, 'INBOX', [1]), 1);
    await f.reopen();
    assert.deepEqual(await f.store.listMessageRefs(ALICE, 'INBOX'), []);
    assert.equal(await f.store.expunge(ALICE, 'INBOX', [1]), 0);
    assert.equal(await f.store.expunge(ALICE, 'NoSuchFolder', [1]), 0);
    const inbox = (await f.store.getFolder(ALICE, 'INBOX'))!;
    assert.deepEqual([inbox.messages, inbox.unseen, inbox.size], [0, 0, 0]);
  });

  it('interleaves with deliveries committed by the worker', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => deliver(f, message(`M${i}`), [{ userId: ALICE }])));
    const running = Array.from({ length: 10 }, (_, i) => deliver(f, message(`N${i}`), [{ userId: ALICE }]));
    assert.equal(await f.store.expunge(ALICE, 'INBOX', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 10);
    await Promise.all(running);
    const inbox = (await f.store.getFolder(ALICE, 'INBOX'))!;
    assert.equal(inbox.messages, 10);
    assert.deepEqual((await f.store.listMessageRefs(ALICE, 'INBOX')).map((r) => r.uid), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });
});
