import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import { FolderErrorCode } from '../../../mail/store/contracts.js';
import { blobFiles, message, openStoreFixture, readAll, type StoreFixture } from './store-fixture.js';
import { ALICE, BOB, assertCountersExact, assertRefcountsExact, deliver, errorWith, folder, recordChanges } from './imap-helpers.js';

describe('SqliteMailStore COPY and MOVE', () => {
  let f: StoreFixture;
  let sizes: number[];
  beforeEach(async () => {
    f = await openStoreFixture();
    await f.store.createMailbox(ALICE);
    await f.store.createMailbox(BOB);
    sizes = [];
    const internalDate = new Date('2025-01-02T03:04:05Z');
    sizes.push((await deliver(f, message('One'), [{ userId: ALICE, flags: ['\\Seen', '$Work'] }, { userId: BOB }], internalDate)).size);
    sizes.push((await deliver(f, message('Two', 'A longer body.\r\n'), [{ userId: ALICE }], internalDate)).size);
    sizes.push((await deliver(f, message('Three'), [{ userId: ALICE, flags: ['\\Flagged'] }], internalDate)).size);
    await deliver(f, message('Archived'), [{ userId: ALICE, folder: 'Archive' }]); // Archive: UID 1 taken
  });
  afterEach(async () => { await f.cleanup(); });

  it('copies in source UID order to new UIDs, sharing bodies, keeping flags and INTERNALDATE', async () => {
    const changes = recordChanges(f, ALICE);
    const archive = await folder(f, ALICE, 'Archive');
    const r = await f.store.copyMessages(ALICE, 'INBOX', [3, 1, 42, 1], 'Archive');
    assert.deepEqual(r, { uidValidity: archive.uidValidity, pairs: [[1, 2], [3, 3]] });
    const copied = await f.store.getMessages(ALICE, 'Archive', [2, 3]);
    const originals = await f.store.getMessages(ALICE, 'INBOX', [1, 3]);
    assert.deepEqual(copied.map((m) => [m.flags, m.internalDate.toISOString(), m.blobId, m.modseq]), [
      [['\\Seen', '$Work'], '2025-01-02T03:04:05.000Z', originals[0]!.blobId, archive.highestModseq + 1],
      [['\\Flagged'], '2025-01-02T03:04:05.000Z', originals[1]!.blobId, archive.highestModseq + 1],
    ]);
    const after = await folder(f, ALICE, 'Archive');
    assert.deepEqual([after.uidNext, after.messages, after.unseen, after.size, after.highestModseq],
      [4, 3, archive.unseen + 1, archive.size + sizes[0]! + sizes[2]!, archive.highestModseq + 1]);
    assert.deepEqual(changes, [{ userId: ALICE, folder: 'Archive', kind: 'exists', uids: [2, 3], modseq: after.highestModseq }]);
    assert.equal((await folder(f, ALICE, 'INBOX')).messages, 3, 'source untouched');
    assert.deepEqual(f.db.prepare('SELECT refcount FROM blobs WHERE blob_id = ?').get(originals[0]!.blobId), { refcount: 3 }, 'Alice x2 + Bob');
    assert.equal(blobFiles(f.dir).length, 4, 'no body written');
    await assertCountersExact(f, ALICE, 'Archive');
    assertRefcountsExact(f);
    // Bodies stay readable after the originals go.
    await f.store.expunge(ALICE, 'INBOX', [1, 3]);
    assert.equal((await readAll(f.store.openMessage(copied[1]!.blobId))).toString(), message('Three'));
    assertRefcountsExact(f);
  });

  it('copies into the same folder', async () => {
    const r = await f.store.copyMessages(ALICE, 'INBOX', [2], 'INBOX');
    assert.deepEqual(r.pairs, [[2, 4]]);
    await assertCountersExact(f, ALICE, 'INBOX');
    assertRefcountsExact(f);
  });

  it('copying nothing (unknown UIDs) changes nothing', async () => {
    const changes = recordChanges(f, ALICE);
    const before = await folder(f, ALICE, 'Archive');
    assert.deepEqual((await f.store.copyMessages(ALICE, 'INBOX', [9, 10], 'Archive')).pairs, []);
    assert.deepEqual(await folder(f, ALICE, 'Archive'), before);
    assert.deepEqual(changes, []);
  });

  it('refuses a copy past the quota, and missing folders', async () => {
    const used = (await f.store.usage(ALICE)).bytes;
    await assert.rejects(f.store.copyMessages(ALICE, 'INBOX', [1, 2], 'Archive', { quota: used + sizes[0]! + sizes[1]! - 1 }), errorWith(ConflictError, FolderErrorCode.overQuota));
    assert.equal((await folder(f, ALICE, 'Archive')).messages, 1, 'nothing copied');
    await f.store.copyMessages(ALICE, 'INBOX', [1, 2], 'Archive', { quota: used + sizes[0]! + sizes[1]! });
    await f.store.copyMessages(ALICE, 'INBOX', [1], 'Archive', { quota: null });
    await assert.rejects(f.store.copyMessages(ALICE, 'INBOX', [1], 'Nope'), errorWith(NotFoundError, FolderErrorCode.notFound));
    await assert.rejects(f.store.copyMessages(ALICE, 'Nope', [1], 'Archive'), errorWith(NotFoundError, FolderErrorCode.notFound));
  });

  it('moves: new UIDs in the destination, the source expunged and recorded as VANISHED, refcounts unchanged', async () => {
    const changes = recordChanges(f, ALICE);
    const inbox = await folder(f, ALICE, 'INBOX');
    const archive = await folder(f, ALICE, 'Archive');
    const refcounts = f.db.prepare('SELECT blob_id, refcount FROM blobs ORDER BY blob_id').all();
    const r = await f.store.moveMessages(ALICE, 'inbox', [2, 1, 5], 'Archive');
    assert.deepEqual(r, { uidValidity: archive.uidValidity, pairs: [[1, 2], [2, 3]] });
    const src = await folder(f, ALICE, 'INBOX');
    const dst = await folder(f, ALICE, 'Archive');
    assert.deepEqual([src.messages, src.unseen, src.size, src.highestModseq], [1, 1, sizes[2]!, inbox.highestModseq + 1]);
    assert.deepEqual([dst.messages, dst.unseen, dst.uidNext, dst.highestModseq], [3, archive.unseen + 1, 4, archive.highestModseq + 1]);
    assert.deepEqual(changes, [
      { userId: ALICE, folder: 'Archive', kind: 'exists', uids: [2, 3], modseq: dst.highestModseq },
      { userId: ALICE, folder: 'INBOX', kind: 'expunge', uids: [1, 2], modseq: src.highestModseq },
    ]);
    assert.deepEqual((await f.store.folderChanges(ALICE, 'INBOX', inbox.highestModseq)).vanished, [1, 2]);
    assert.deepEqual((await f.store.messageFlags(ALICE, 'Archive', [2])).map((m) => m.flags), [['\\Seen', '$Work']]);
    assert.deepEqual(f.db.prepare('SELECT blob_id, refcount FROM blobs ORDER BY blob_id').all(), refcounts);
    await assertCountersExact(f, ALICE, 'INBOX');
    await assertCountersExact(f, ALICE, 'Archive');
    assertRefcountsExact(f);
    // Durable: the same after a restart.
    await f.reopen();
    assert.deepEqual((await f.store.listMessages(ALICE, 'Archive')).map((m) => m.subject), ['Archived', 'One', 'Two']);
    assert.deepEqual((await f.store.folderChanges(ALICE, 'INBOX', inbox.highestModseq)).vanished, [1, 2]);
  });

  it('refuses a move onto the same folder and to a missing folder, changing nothing', async () => {
    await assert.rejects(f.store.moveMessages(ALICE, 'INBOX', [1], 'inbox'), errorWith(InputError, FolderErrorCode.sameFolder));
    await assert.rejects(f.store.moveMessages(ALICE, 'INBOX', [1], 'Nope'), errorWith(NotFoundError, FolderErrorCode.notFound));
    assert.equal((await folder(f, ALICE, 'INBOX')).messages, 3);
  });

  it('interleaves with deliveries committed by the worker', async () => {
    await f.store.createFolder(ALICE, 'Dest');
    const running = Array.from({ length: 20 }, (_, i) => deliver(f, message(`N${i}`), [{ userId: ALICE }]));
    await f.store.moveMessages(ALICE, 'INBOX', [1, 2, 3], 'Dest');
    await Promise.all(running);
    assert.equal((await folder(f, ALICE, 'INBOX')).messages, 20);
    assert.equal((await folder(f, ALICE, 'Dest')).messages, 3);
    await assertCountersExact(f, ALICE, 'INBOX');
    assertRefcountsExact(f);
  });
});
