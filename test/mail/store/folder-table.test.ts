// The folder tables SELECT shares (folder-table.ts) and their cache (folder-table-cache.ts):
// building from the column listing, applying changes and expunges, the memos, the LRU and its
// cap; then the store's openFolder keeping a cached table exact when another connection (the
// commit worker's, or anyone's) writes.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FolderMessageTable } from '../../../mail/store/contracts.js';
import { FolderTableCache } from '../../../mail/store/sqlite/folder-table-cache.js';
import { FlagSetPool, tableFromColumns, tableMessages, tableWithChanges } from '../../../mail/store/sqlite/folder-table.js';
import type { FlagColumns } from '../../../mail/store/sqlite/message-statements.js';
import { ALICE, deliver } from './imap-helpers.js';
import { message, openStoreFixture, type StoreFixture } from './store-fixture.js';

function columns(rows: [number, number, string][]): FlagColumns {
  return [JSON.stringify(rows.map((r) => r[0])), JSON.stringify(rows.map((r) => r[1])), JSON.stringify(rows.map((r) => r[2]))];
}

function rowsOf(t: FolderMessageTable): [number, number, string][] {
  return tableMessages(t).map((m) => [m.uid, m.modseq, m.flags.join(' ')]);
}

describe('folder tables', () => {
  it('reads the columns, sorting if SQLite did not, and shares each distinct flag list', () => {
    const pool = new FlagSetPool();
    const t = tableFromColumns(columns([[3, 9, '\\Seen'], [1, 4, ''], [2, 5, '\\Seen']]), pool);
    assert.deepEqual(rowsOf(t), [[1, 4, ''], [2, 5, '\\Seen'], [3, 9, '\\Seen']]);
    assert.equal(t.flagSets[t.flagIds[1]!], t.flagSets[t.flagIds[2]!]);
    assert.ok(Object.isFrozen(t.flagSets[t.flagIds[1]!]));
    assert.equal(t.firstUnseen, 0);
    assert.equal(tableFromColumns(undefined, pool).count, 0);
  });

  it('lists keywords in order of first use by UID, once whatever their case', () => {
    const t = tableFromColumns(columns([[1, 2, '\\Seen $b'], [2, 3, '$A \\Flagged'], [3, 4, '$a $B $c']]), new FlagSetPool());
    assert.deepEqual(t.keywords, ['$b', '$A', '$c']);
    assert.equal(t.firstUnseen, 1);
    const allSeen = tableFromColumns(columns([[1, 2, '\\Seen']]), new FlagSetPool());
    assert.equal(allSeen.firstUnseen, -1);
    assert.deepEqual(allSeen.keywords, []);
  });

  it('applies changes: new messages, changed flags, expunges, and UIDs it never had', () => {
    const pool = new FlagSetPool();
    const old = tableFromColumns(columns([[1, 2, ''], [2, 3, '\\Seen'], [4, 5, ''], [6, 7, '$x']]), pool);
    const changed = tableFromColumns(columns([[2, 9, '\\Seen \\Flagged'], [7, 10, ''], [9, 12, '$new']]), pool);
    const next = tableWithChanges(old, pool, changed, [4, 8]);
    assert.deepEqual(rowsOf(next), [[1, 2, ''], [2, 9, '\\Seen \\Flagged'], [6, 7, '$x'], [7, 10, ''], [9, 12, '$new']]);
    // The old table is untouched: sessions holding it keep their snapshot.
    assert.deepEqual(rowsOf(old), [[1, 2, ''], [2, 3, '\\Seen'], [4, 5, ''], [6, 7, '$x']]);
    assert.deepEqual(next.keywords, ['$x', '$new']);
  });
});

describe('FolderTableCache', () => {
  const table = (n: number): FolderMessageTable => tableFromColumns(columns(Array.from({ length: n }, (_, i) => [i + 1, i + 2, ''])), new FlagSetPool());
  const entry = (folderId: number, n: number, uidValidity = 7) => ({ folderId, uidValidity, modseq: 1, table: table(n), pool: new FlagSetPool() });

  it('drops the least recently used folders past the cap, and never keeps one above it', () => {
    const cache = new FolderTableCache(10);
    cache.put(entry(1, 4));
    cache.put(entry(2, 4));
    assert.ok(cache.get(1, 7));
    cache.put(entry(3, 4));
    assert.deepEqual(cache.size, { folders: 2, messages: 8 });
    assert.equal(cache.get(2, 7), undefined);
    assert.ok(cache.get(1, 7) && cache.get(3, 7));
    cache.put(entry(4, 11));
    assert.equal(cache.get(4, 7), undefined);
    assert.deepEqual(cache.size, { folders: 2, messages: 8 });
  });

  it('does not give a folder the table of an older folder with the same id', () => {
    const cache = new FolderTableCache();
    cache.put(entry(1, 3, 100));
    assert.equal(cache.get(1, 101), undefined);
    assert.deepEqual(cache.size, { folders: 0, messages: 0 });
  });
});

describe('openFolder over the cached table', () => {
  let f: StoreFixture;
  beforeEach(async () => {
    f = await openStoreFixture();
    await f.store.createMailbox(ALICE);
    for (const s of ['one', 'two', 'three']) await deliver(f, message(s), [{ userId: ALICE }]);
  });
  afterEach(async () => { await f.cleanup(); });

  it('answers every open exactly as the database is then, whoever wrote', async () => {
    const first = (await f.store.openFolder(ALICE, 'INBOX'))!;
    assert.deepEqual(tableMessages(first.table).map((m) => m.uid), [1, 2, 3]);
    const again = (await f.store.openFolder(ALICE, 'INBOX'))!;
    assert.equal(again.table, first.table, 'nothing changed: the same table');

    await f.store.setFlags(ALICE, 'INBOX', [2], 'add', ['\\Seen', '$k']);
    await f.store.expunge(ALICE, 'INBOX', [1]);
    await deliver(f, message('four'), [{ userId: ALICE }]);
    // A write straight into the tables, past the store's methods (as another process would
    // write): the MODSEQ rules are all the cache relies on.
    f.db.prepare("UPDATE messages SET flags = '\\Draft', modseq = 99 WHERE uid = 3 AND folder_id = (SELECT id FROM folders WHERE user_id = ? AND name = 'INBOX')").run(ALICE);
    f.db.prepare("UPDATE folders SET highest_modseq = 99 WHERE user_id = ? AND name = 'INBOX'").run(ALICE);

    const now = (await f.store.openFolder(ALICE, 'INBOX'))!;
    assert.notEqual(now.table, first.table);
    assert.deepEqual(now.messages, await f.store.messageFlags(ALICE, 'INBOX'));
    assert.deepEqual(now.messages.map((m) => [m.uid, m.flags]), [[2, ['\\Seen', '$k']], [3, ['\\Draft']], [4, []]]);
    assert.equal(now.folder.highestModseq, 99);
    assert.deepEqual(tableMessages(first.table).map((m) => m.uid), [1, 2, 3], 'a table handed out never changes');
  });
});
