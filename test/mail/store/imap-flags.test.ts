import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InputError, NotFoundError } from '../../../core/errors.js';
import { FolderErrorCode } from '../../../mail/store/contracts.js';
import { message, openStoreFixture, type StoreFixture } from './store-fixture.js';
import { ALICE, assertCountersExact, deliver, errorWith, folder, recordChanges } from './imap-helpers.js';

describe('SqliteMailStore reads and STORE (openFolder, messageFlags, getMessages, setFlags, folderChanges)', () => {
  let f: StoreFixture;
  beforeEach(async () => {
    f = await openStoreFixture();
    await f.store.createMailbox(ALICE);
    await deliver(f, message('One'), [{ userId: ALICE, flags: ['\\Seen'] }]);
    await deliver(f, message('Two'), [{ userId: ALICE, flags: ['\\flagged', '$Label1', '\\Recent', 'bad flag'] }]);
    await deliver(f, message('Three'), [{ userId: ALICE }]);
  });
  afterEach(async () => { await f.cleanup(); });

  it('openFolder gives the counters and every message in UID order', async () => {
    const view = (await f.store.openFolder(ALICE, 'inbox'))!;
    assert.equal(view.folder.name, 'INBOX');
    assert.deepEqual([view.folder.messages, view.folder.unseen, view.folder.highestModseq, view.folder.uidNext], [3, 2, 4, 4]);
    assert.deepEqual(view.messages, [
      { uid: 1, modseq: 2, flags: ['\\Seen'] },
      { uid: 2, modseq: 3, flags: ['\\Flagged', '$Label1'] }, // canonical, \Recent and malformed dropped at delivery
      { uid: 3, modseq: 4, flags: [] },
    ]);
    assert.equal(await f.store.openFolder(ALICE, 'Nope'), null);
  });

  it('messageFlags: all, or the UIDs asked for (unknown skipped, order and duplicates ignored)', async () => {
    assert.deepEqual((await f.store.messageFlags(ALICE, 'INBOX')).map((m) => m.uid), [1, 2, 3]);
    assert.deepEqual((await f.store.messageFlags(ALICE, 'INBOX', [3, 99, 1, 3])).map((m) => m.uid), [1, 3]);
    assert.deepEqual(await f.store.messageFlags(ALICE, 'INBOX', []), []);
    assert.deepEqual(await f.store.messageFlags(ALICE, 'Nope'), []);
  });

  it('getMessages returns full rows with their index, in UID order, for many UIDs in one go', async () => {
    for (let i = 4; i <= 40; i++) await deliver(f, message(`M${i}`), [{ userId: ALICE }]);
    const uids = Array.from({ length: 600 }, (_, i) => 600 - i); // 600..1, most unknown
    const rows = await f.store.getMessages(ALICE, 'INBOX', uids);
    assert.deepEqual(rows.map((r) => r.uid), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.equal(rows[1]!.index.envelope.subject, 'Two');
    assert.ok(rows[1]!.index.date instanceof Date);
    assert.ok(rows[1]!.index.searchText.includes('Hello there.'));
    assert.deepEqual(rows[1], await f.store.getMessage(ALICE, 'INBOX', 2));
    assert.deepEqual(await f.store.getMessages(ALICE, 'INBOX', []), []);
    assert.deepEqual(await f.store.getMessages(ALICE, 'Nope', [1]), []);
  });

  it('setFlags add/remove/replace: canonical system flags, case-insensitive keywords, one new MODSEQ, counters, event', async () => {
    const changes = recordChanges(f, ALICE);
    const r = await f.store.setFlags(ALICE, 'INBOX', [1, 2, 3, 77], 'add', ['\\SEEN', '$label1', '\\Recent']);
    // 1 has \Seen already; 2 has $Label1 (other case, kept) but not \Seen; 3 has neither.
    assert.deepEqual(r, {
      changed: [
        { uid: 1, modseq: 5, flags: ['\\Seen', '$label1'] },
        { uid: 2, modseq: 5, flags: ['\\Flagged', '$Label1', '\\Seen'] },
        { uid: 3, modseq: 5, flags: ['\\Seen', '$label1'] },
      ],
      conflicts: [],
    });
    assert.deepEqual(changes, [{ userId: ALICE, folder: 'INBOX', kind: 'flags', uids: [1, 2, 3], modseq: 5 }]);
    // Adding what every message has changes nothing: no MODSEQ, no event.
    assert.deepEqual(await f.store.setFlags(ALICE, 'INBOX', [1, 2, 3], 'add', ['\\Seen']), { changed: [], conflicts: [] });
    let inbox = await folder(f, ALICE, 'INBOX');
    assert.deepEqual([inbox.unseen, inbox.highestModseq], [0, 5]);
    await assertCountersExact(f, ALICE, 'INBOX');

    const removed = await f.store.setFlags(ALICE, 'INBOX', [1, 2, 3], 'remove', ['\\seen', '$LABEL1']);
    assert.deepEqual(removed.changed.map((m) => [m.uid, m.modseq, m.flags]), [[1, 6, []], [2, 6, ['\\Flagged']], [3, 6, []]]);
    inbox = await folder(f, ALICE, 'INBOX');
    assert.deepEqual([inbox.unseen, inbox.highestModseq], [3, 6]);

    const replaced = await f.store.setFlags(ALICE, 'INBOX', [2, 3], 'replace', ['\\Answered', 'Work']);
    assert.deepEqual(replaced.changed.map((m) => [m.uid, m.flags]), [[2, ['\\Answered', 'Work']], [3, ['\\Answered', 'Work']]]);
    // Replacing with the same set (a keyword in another case) changes nothing and takes no MODSEQ.
    const same = await f.store.setFlags(ALICE, 'INBOX', [2, 3], 'replace', ['work', '\\answered']);
    assert.deepEqual(same, { changed: [], conflicts: [] });
    assert.equal((await folder(f, ALICE, 'INBOX')).highestModseq, 7);
    assert.deepEqual((await f.store.messageFlags(ALICE, 'INBOX', [2])).map((m) => [m.modseq, m.flags]), [[7, ['\\Answered', 'Work']]]);
    assert.equal(changes.length, 3, 'no event for a STORE that changed nothing');
    await assertCountersExact(f, ALICE, 'INBOX');
  });

  it('setFlags with UNCHANGEDSINCE reports conflicts and leaves those messages alone (RFC 7162 3.1.3)', async () => {
    await f.store.setFlags(ALICE, 'INBOX', [3], 'add', ['$Done']); // 3 now has MODSEQ 5
    const r = await f.store.setFlags(ALICE, 'INBOX', [1, 2, 3], 'add', ['\\Deleted'], { unchangedSince: 4 });
    assert.deepEqual(r.conflicts, [3]);
    assert.deepEqual(r.changed.map((m) => [m.uid, m.modseq]), [[1, 6], [2, 6]]);
    assert.deepEqual((await f.store.messageFlags(ALICE, 'INBOX', [3]))[0]!.flags, ['$Done']);
    // UNCHANGEDSINCE 0 always fails: every message has a MODSEQ of at least 1.
    const zero = await f.store.setFlags(ALICE, 'INBOX', [1, 2, 3], 'remove', ['\\Deleted'], { unchangedSince: 0 });
    assert.deepEqual(zero, { changed: [], conflicts: [1, 2, 3] });
  });

  it('setFlags refuses malformed flags and missing folders, changing nothing', async () => {
    for (const bad of ['\\Unknown', 'two words', '', 'a(b', 'caf\u00e9']) {
      await assert.rejects(f.store.setFlags(ALICE, 'INBOX', [1], 'add', [bad]), errorWith(InputError, FolderErrorCode.invalidFlag), bad);
    }
    await assert.rejects(f.store.setFlags(ALICE, 'Nope', [1], 'add', ['\\Seen']), errorWith(NotFoundError, FolderErrorCode.notFound));
    assert.equal((await folder(f, ALICE, 'INBOX')).highestModseq, 4);
  });

  it('folderChanges: changed messages and VANISHED UIDs after a MODSEQ, exact after expunges', async () => {
    await f.store.setFlags(ALICE, 'INBOX', [2], 'add', ['\\Answered']); // modseq 5
    await f.store.expunge(ALICE, 'INBOX', [1]); // modseq 6
    await deliver(f, message('Four'), [{ userId: ALICE }]); // uid 4, modseq 7
    await f.store.expunge(ALICE, 'INBOX', [3, 4]); // modseq 8
    const at = async (since: number) => {
      const c = await f.store.folderChanges(ALICE, 'INBOX', since);
      return { changed: c.changed.map((m) => m.uid), vanished: c.vanished, highest: c.highestModseq };
    };
    assert.deepEqual(await at(0), { changed: [2], vanished: [1, 3, 4], highest: 8 });
    assert.deepEqual(await at(4), { changed: [2], vanished: [1, 3, 4], highest: 8 });
    assert.deepEqual(await at(5), { changed: [], vanished: [1, 3, 4], highest: 8 });
    assert.deepEqual(await at(6), { changed: [], vanished: [3, 4], highest: 8 });
    assert.deepEqual(await at(8), { changed: [], vanished: [], highest: 8 });
    assert.deepEqual(f.db.prepare('SELECT uid, modseq FROM expunged ORDER BY uid').all(), [{ uid: 1, modseq: 6 }, { uid: 3, modseq: 8 }, { uid: 4, modseq: 8 }]);
    await assert.rejects(f.store.folderChanges(ALICE, 'Nope', 0), errorWith(NotFoundError, FolderErrorCode.notFound));
    // The record survives a restart.
    await f.reopen();
    assert.deepEqual(await at(5), { changed: [], vanished: [1, 3, 4], highest: 8 });
    assert.deepEqual((await f.store.openFolder(ALICE, 'INBOX'))!.messages, [{ uid: 2, modseq: 5, flags: ['\\Flagged', '$Label1', '\\Answered'] }]);
  });
});
