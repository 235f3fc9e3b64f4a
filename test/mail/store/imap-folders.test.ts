import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import { FolderErrorCode, STANDARD_FOLDERS } from '../../../mail/store/contracts.js';
import { MAX_FOLDERS_PER_USER } from '../../../mail/store/sqlite/folder-names.js';
import { message, type StoreFixture } from './store-fixture.js';
import { ALICE, BOB, assertCountersExact, assertRefcountsExact, deliver, errorWith, folder, openStoreWithAliceAndBob, recordChanges } from './imap-helpers.js';

describe('SqliteMailStore folders (CREATE, DELETE, RENAME, SUBSCRIBE)', () => {
  let f: StoreFixture;
  beforeEach(async () => { f = await openStoreWithAliceAndBob(); });
  afterEach(async () => { await f.cleanup(); });

  it('gives every folder a MAILBOXID from its UIDVALIDITY, unique across users', async () => {
    const all = [...await f.store.listFolders(ALICE), ...await f.store.listFolders(BOB)];
    for (const x of all) assert.equal(x.mailboxId, `F${x.uidValidity}`);
    assert.equal(new Set(all.map((x) => x.mailboxId)).size, all.length);
    for (const x of all) assert.match(x.mailboxId, /^[A-Za-z0-9_-]{1,255}$/, 'RFC 8474 objectid');
  });

  it('creates a folder with its missing parents, each with a fresh UIDVALIDITY, and publishes them', async () => {
    const changes = recordChanges(f, ALICE);
    const before = Math.max(...(await f.store.listFolders(ALICE)).map((x) => x.uidValidity));
    const created = await f.store.createFolder(ALICE, 'Projects/2025/Q3');
    assert.equal(created.name, 'Projects/2025/Q3');
    assert.deepEqual([created.uidNext, created.messages, created.unseen, created.size, created.subscribed, created.specialUse], [1, 0, 0, 0, true, null]);
    const parents = [await folder(f, ALICE, 'Projects'), await folder(f, ALICE, 'Projects/2025')];
    const validities = [...parents, created].map((x) => x.uidValidity);
    assert.ok(validities[0]! > before && validities[0]! < validities[1]! && validities[1]! < validities[2]!, 'strictly growing UIDVALIDITY');
    assert.deepEqual(changes.map((c) => [c.folder, c.kind]), [['Projects', 'folder'], ['Projects/2025', 'folder'], ['Projects/2025/Q3', 'folder']]);
    // A second level under an existing parent creates only itself.
    await f.store.createFolder(ALICE, 'Projects/Other');
    assert.equal(changes.length, 4);
  });

  it('takes a special-use attribute it supports, in canonical spelling', async () => {
    const sent = await f.store.createFolder(ALICE, 'Sent Items', { specialUse: '\\sent' });
    assert.equal(sent.specialUse, '\\Sent');
    await assert.rejects(f.store.createFolder(ALICE, 'Everything', { specialUse: '\\All' }), errorWith(InputError, FolderErrorCode.invalidSpecialUse));
    assert.equal(await f.store.getFolder(ALICE, 'Everything'), null);
  });

  it('refuses existing names, INBOX in any case, and invalid names', async () => {
    await assert.rejects(f.store.createFolder(ALICE, 'Sent'), errorWith(ConflictError, FolderErrorCode.exists));
    await assert.rejects(f.store.createFolder(ALICE, 'inbox'), errorWith(ConflictError, FolderErrorCode.exists));
    for (const bad of ['', '/', 'a//b', 'a/', '/a', 'tab\there', 'nul\u0000', 'c1\u0085', 'star*', 'per%cent', 'x'.repeat(256), Array(17).fill('d').join('/'), 'half\ud800']) {
      await assert.rejects(f.store.createFolder(ALICE, bad), errorWith(InputError, FolderErrorCode.invalidName), JSON.stringify(bad));
    }
    // The limits themselves are fine.
    await f.store.createFolder(ALICE, 'x'.repeat(255));
    await f.store.createFolder(ALICE, Array(16).fill('d').join('/'));
    assert.equal((await f.store.listFolders(ALICE)).length, STANDARD_FOLDERS.length + 17);
  });

  it('normalises names: INBOX as a first level in any case, NFC', async () => {
    const child = await f.store.createFolder(ALICE, 'inbox/Lists');
    assert.equal(child.name, 'INBOX/Lists');
    assert.equal((await f.store.getFolder(ALICE, 'InBoX/Lists'))!.name, 'INBOX/Lists');
    assert.equal(await f.store.getFolder(ALICE, 'INBOX/lists'), null, 'only the INBOX level is case-insensitive');
    const composed = await f.store.createFolder(ALICE, 'Cafe\u0301');
    assert.equal(composed.name, 'Caf\u00e9');
    assert.equal((await f.store.getFolder(ALICE, 'Caf\u00e9'))!.uidValidity, composed.uidValidity);
    await assert.rejects(f.store.createFolder(ALICE, 'Caf\u00e9'), errorWith(ConflictError, FolderErrorCode.exists));
  });

  it(`allows at most ${MAX_FOLDERS_PER_USER} folders per account`, async () => {
    const have = (await f.store.listFolders(ALICE)).length;
    for (let i = have; i < MAX_FOLDERS_PER_USER - 1; i++) await f.store.createFolder(ALICE, `f${i}`);
    await assert.rejects(f.store.createFolder(ALICE, 'p/q'), errorWith(InputError, FolderErrorCode.limit), 'two would pass the limit');
    assert.equal(await f.store.getFolder(ALICE, 'p'), null, 'nothing half-created');
    await f.store.createFolder(ALICE, 'last');
    await assert.rejects(f.store.createFolder(ALICE, 'one-more'), errorWith(InputError, FolderErrorCode.limit));
    await f.store.createFolder(BOB, 'fine'); // per account
  });

  it('deletes a folder with its messages; bodies only when no other copy refers to them', async () => {
    await f.store.createFolder(ALICE, 'Old');
    const shared = await deliver(f, message('Shared'), [{ userId: ALICE, folder: 'Old' }, { userId: BOB }]);
    const own = await deliver(f, message('Own'), [{ userId: ALICE, folder: 'Old' }]);
    await deliver(f, message('Gone'), [{ userId: ALICE, folder: 'Old' }]);
    await f.store.expunge(ALICE, 'Old', [3]);
    const changes = recordChanges(f, ALICE);
    await f.store.deleteFolder(ALICE, 'Old');
    assert.equal(await f.store.getFolder(ALICE, 'Old'), null);
    assert.equal(await f.blobs.exists(own.blobId), false);
    assert.equal(await f.blobs.exists(shared.blobId), true);
    assert.deepEqual(f.db.prepare('SELECT refcount FROM blobs WHERE blob_id = ?').get(shared.blobId), { refcount: 1 });
    assert.deepEqual(f.db.prepare('SELECT count(*) AS n FROM message_text').get(), { n: 1 }, 'search text of the deleted body is gone');
    assert.deepEqual(f.db.prepare('SELECT count(*) AS n FROM expunged e WHERE NOT EXISTS (SELECT 1 FROM folders f WHERE f.id = e.folder_id)').get(), { n: 0 }, 'expunge records went with the folder');
    assert.deepEqual(changes.map((c) => [c.folder, c.kind]), [['Old', 'folder']]);
    assertRefcountsExact(f);
    // Re-created, it is a new folder: new UIDVALIDITY, UIDs from 1, no VANISHED history.
    const again = await f.store.createFolder(ALICE, 'Old');
    assert.equal(again.uidNext, 1);
    assert.deepEqual((await f.store.folderChanges(ALICE, 'Old', 0)).vanished, []);
  });

  it('refuses to delete INBOX, missing folders and folders with children', async () => {
    await assert.rejects(f.store.deleteFolder(ALICE, 'inbox'), errorWith(InputError, FolderErrorCode.protected));
    await assert.rejects(f.store.deleteFolder(ALICE, 'Nope'), errorWith(NotFoundError, FolderErrorCode.notFound));
    await f.store.createFolder(ALICE, 'a/b');
    await f.store.createFolder(ALICE, 'a_c'); // a sibling whose name sorts near "a/": not a child
    await assert.rejects(f.store.deleteFolder(ALICE, 'a'), errorWith(ConflictError, FolderErrorCode.hasChildren));
    await f.store.deleteFolder(ALICE, 'a/b');
    await f.store.deleteFolder(ALICE, 'a');
    assert.ok(await f.store.getFolder(ALICE, 'a_c'));
  });

  it('renames a folder and its children, keeping UIDVALIDITY, UIDs, flags and MAILBOXID', async () => {
    await f.store.createFolder(ALICE, 'Work/Clients/Acme');
    await f.store.createFolder(ALICE, 'Workshop'); // shares the prefix "Work" but is not below it
    await deliver(f, message('One'), [{ userId: ALICE, folder: 'Work/Clients', flags: ['\\Seen', '$Important'] }]);
    await deliver(f, message('Two'), [{ userId: ALICE, folder: 'Work/Clients' }]);
    const before = await folder(f, ALICE, 'Work/Clients');
    const changes = recordChanges(f, ALICE);
    await f.store.renameFolder(ALICE, 'Work', 'Archive/2024/Work');
    assert.equal(await f.store.getFolder(ALICE, 'Work'), null);
    assert.equal(await f.store.getFolder(ALICE, 'Work/Clients/Acme'), null);
    assert.ok(await f.store.getFolder(ALICE, 'Workshop'));
    assert.ok(await f.store.getFolder(ALICE, 'Archive/2024'), 'missing parent created');
    const after = await folder(f, ALICE, 'Archive/2024/Work/Clients');
    assert.equal(after.uidValidity, before.uidValidity);
    assert.equal(after.mailboxId, before.mailboxId);
    assert.deepEqual([after.uidNext, after.messages, after.unseen, after.size], [before.uidNext, before.messages, before.unseen, before.size]);
    assert.ok(after.highestModseq > before.highestModseq, 'a rename is a change: new HIGHESTMODSEQ');
    assert.deepEqual((await f.store.messageFlags(ALICE, 'Archive/2024/Work/Clients')).map((m) => [m.uid, m.flags]), [[1, ['\\Seen', '$Important']], [2, []]]);
    assert.ok(await f.store.getFolder(ALICE, 'Archive/2024/Work/Clients/Acme'));
    const names = changes.map((c) => c.folder);
    for (const n of ['Archive/2024', 'Work', 'Archive/2024/Work', 'Work/Clients', 'Archive/2024/Work/Clients', 'Work/Clients/Acme', 'Archive/2024/Work/Clients/Acme']) {
      assert.ok(names.includes(n), `change for ${n}`);
    }
    assert.ok(changes.every((c) => c.kind === 'folder'));
  });

  it('refuses renames onto existing names, onto INBOX, into itself, from missing folders', async () => {
    await f.store.createFolder(ALICE, 'a/b');
    await f.store.createFolder(ALICE, 'c/b');
    await f.store.createFolder(ALICE, 'x');
    await assert.rejects(f.store.renameFolder(ALICE, 'a', 'Sent'), errorWith(ConflictError, FolderErrorCode.exists));
    await assert.rejects(f.store.renameFolder(ALICE, 'a', 'a'), errorWith(ConflictError, FolderErrorCode.exists));
    await assert.rejects(f.store.renameFolder(ALICE, 'x', 'c/b'), errorWith(ConflictError, FolderErrorCode.exists));
    await assert.rejects(f.store.renameFolder(ALICE, 'a', 'Inbox'), errorWith(InputError, FolderErrorCode.protected));
    await assert.rejects(f.store.renameFolder(ALICE, 'a', 'a/b/c'), errorWith(InputError, FolderErrorCode.invalidName));
    await assert.rejects(f.store.renameFolder(ALICE, 'nope', 'y'), errorWith(NotFoundError, FolderErrorCode.notFound));
    await assert.rejects(f.store.renameFolder(ALICE, 'a', 'bad//name'), errorWith(InputError, FolderErrorCode.invalidName));
    // A child would collide with an existing folder: nothing renamed.
    await f.store.createFolder(ALICE, 'n/b');
    await assert.rejects(f.store.renameFolder(ALICE, 'a', 'n'), errorWith(ConflictError, FolderErrorCode.exists));
    assert.ok(await f.store.getFolder(ALICE, 'a/b'));
    // A child would become too deep: nothing renamed.
    await f.store.createFolder(ALICE, 'deep/one');
    await assert.rejects(f.store.renameFolder(ALICE, 'deep', Array(16).fill('d').join('/')), errorWith(InputError, FolderErrorCode.invalidName));
    assert.ok(await f.store.getFolder(ALICE, 'deep/one'));
  });

  it('renaming INBOX moves its messages to a new folder and leaves INBOX empty (RFC 9051 6.3.6)', async () => {
    await f.store.createFolder(ALICE, 'INBOX/Child');
    await deliver(f, message('First'), [{ userId: ALICE, flags: ['\\Seen'] }]);
    await deliver(f, message('Second'), [{ userId: ALICE, flags: ['$Work'] }]);
    await deliver(f, message('Third'), [{ userId: ALICE }]);
    await f.store.expunge(ALICE, 'INBOX', [2]);
    const inboxBefore = await folder(f, ALICE, 'INBOX');
    const changes = recordChanges(f, ALICE);
    await f.store.renameFolder(ALICE, 'INBOX', 'Old Mail/2025');
    const inbox = await folder(f, ALICE, 'INBOX');
    assert.equal(inbox.uidValidity, inboxBefore.uidValidity);
    assert.deepEqual([inbox.messages, inbox.unseen, inbox.size, inbox.uidNext], [0, 0, 0, 4], 'INBOX empty, UIDs not reused');
    assert.ok(await f.store.getFolder(ALICE, 'INBOX/Child'), 'children of INBOX stay');
    const moved = await folder(f, ALICE, 'Old Mail/2025');
    assert.notEqual(moved.uidValidity, inboxBefore.uidValidity);
    assert.deepEqual([moved.messages, moved.unseen, moved.uidNext], [2, 1, 3]);
    assert.deepEqual((await f.store.listMessages(ALICE, 'Old Mail/2025')).map((m) => [m.uid, m.subject, m.flags]), [[1, 'First', ['\\Seen']], [2, 'Third', []]]);
    const vanished = await f.store.folderChanges(ALICE, 'INBOX', inboxBefore.highestModseq);
    assert.deepEqual(vanished.vanished, [1, 3]);
    assert.deepEqual(changes.map((c) => [c.folder, c.kind, c.uids]), [
      ['Old Mail', 'folder', []], ['Old Mail/2025', 'folder', []], ['Old Mail/2025', 'exists', [1, 2]], ['INBOX', 'expunge', [1, 3]],
    ]);
    await assertCountersExact(f, ALICE, 'INBOX');
    await assertCountersExact(f, ALICE, 'Old Mail/2025');
    assertRefcountsExact(f);
    // New mail still lands in INBOX.
    const r = await deliver(f, message('Fourth'), [{ userId: ALICE }]);
    assert.deepEqual(r.delivered, [{ userId: ALICE, folder: 'INBOX', uid: 4 }]);
  });

  it('renames INBOX to one of its own children', async () => {
    await deliver(f, message('Kept'), [{ userId: ALICE }]);
    await f.store.renameFolder(ALICE, 'inbox', 'INBOX/Old');
    assert.deepEqual((await f.store.listMessages(ALICE, 'INBOX/Old')).map((m) => [m.uid, m.subject]), [[1, 'Kept']]);
    assert.equal((await folder(f, ALICE, 'INBOX')).messages, 0);
  });

  it('deleteMailbox takes the expunge history with the folders', async () => {
    await deliver(f, message('Gone'), [{ userId: ALICE }]);
    await f.store.expunge(ALICE, 'INBOX', [1]);
    await f.store.deleteMailbox(ALICE);
    assert.deepEqual(f.db.prepare('SELECT count(*) AS n FROM expunged').get(), { n: 0 });
  });

  it('subscribes and unsubscribes; unchanged state is not a change', async () => {
    const changes = recordChanges(f, ALICE);
    const before = await folder(f, ALICE, 'Junk');
    await f.store.setSubscribed(ALICE, 'Junk', false);
    const after = await folder(f, ALICE, 'Junk');
    assert.equal(after.subscribed, false);
    assert.equal(after.highestModseq, before.highestModseq + 1);
    await f.store.setSubscribed(ALICE, 'Junk', false);
    assert.deepEqual(changes.map((c) => [c.folder, c.kind]), [['Junk', 'folder']]);
    await f.store.setSubscribed(ALICE, 'Junk', true);
    assert.equal((await folder(f, ALICE, 'Junk')).subscribed, true);
    await assert.rejects(f.store.setSubscribed(ALICE, 'Nope', true), errorWith(NotFoundError, FolderErrorCode.notFound));
  });

  it('keeps everything across a restart', async () => {
    await f.store.createFolder(ALICE, 'Keep/Me', { specialUse: '\\Archive' });
    await f.store.renameFolder(ALICE, 'Keep', 'Kept');
    await f.store.setSubscribed(ALICE, 'Kept/Me', false);
    const before = await folder(f, ALICE, 'Kept/Me');
    await f.reopen();
    const after = await folder(f, ALICE, 'Kept/Me');
    assert.deepEqual(after, before);
    // UIDVALIDITY keeps growing after a restart.
    const next = await f.store.createFolder(ALICE, 'New');
    assert.ok(next.uidValidity > Math.max(...(await f.store.listFolders(ALICE)).filter((x) => x.name !== 'New').map((x) => x.uidValidity)));
  });

  it('refuses writes after close', async () => {
    await f.store.close();
    await assert.rejects(f.store.createFolder(ALICE, 'Late'), (err: unknown) => (err as { code?: string }).code === 'store_closed');
  });
});
