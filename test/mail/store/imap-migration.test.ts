import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsBlobStore } from '../../../mail/store/fs/blob-store.js';
import { migrate, openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { MAIL_SCHEMA_STEPS } from '../../../mail/store/sqlite/mail-schema.js';
import { SqliteMailStore } from '../../../mail/store/sqlite/mail-store.js';

// A database from before the record of expunged UIDs (schema step 1 only): the step that adds it
// records every UID below uidnext that has no message, so QRESYNC never misses an old expunge.
describe('mail schema step 2 (expunged UIDs) on an existing database', () => {
  let dir: string;
  let db: Db;
  let store: SqliteMailStore;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-migrate-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    migrate(db, 'mail', MAIL_SCHEMA_STEPS.slice(0, 1));
    db.exec(`
      INSERT INTO folders (id, user_id, name, uidvalidity, uidnext, highest_modseq, messages, size, created_at) VALUES
        (1, 'u1', 'INBOX', 100, 6, 9, 2, 20, 0),
        (2, 'u1', 'Empty', 101, 1, 1, 0, 0, 0),
        (3, 'u2', 'INBOX', 102, 3, 4, 0, 0, 0);
      INSERT INTO blobs (id, blob_id, refcount, size, index_json, created_at) VALUES (1, 'b1', 2, 10, '{}', 0);
      INSERT INTO messages (folder_id, uid, modseq, internal_date, size, blob) VALUES (1, 2, 3, 0, 10, 1), (1, 4, 5, 0, 10, 1);
    `);
    store = new SqliteMailStore({ db, blobs: await FsBlobStore.open({ dataDir: dir }) });
  });
  after(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the missing UIDs under the folder\'s MODSEQ', async () => {
    assert.deepEqual(db.prepare('SELECT folder_id, uid, modseq FROM expunged ORDER BY folder_id, uid').all(), [
      { folder_id: 1, uid: 1, modseq: 9 }, { folder_id: 1, uid: 3, modseq: 9 }, { folder_id: 1, uid: 5, modseq: 9 },
      { folder_id: 3, uid: 1, modseq: 4 }, { folder_id: 3, uid: 2, modseq: 4 },
    ]);
    assert.deepEqual((await store.folderChanges('u1', 'INBOX', 8)).vanished, [1, 3, 5]);
    assert.deepEqual((await store.folderChanges('u1', 'INBOX', 9)).vanished, []);
    assert.deepEqual(db.prepare("SELECT version FROM schema_version WHERE component = 'mail'").get(), { version: MAIL_SCHEMA_STEPS.length });
  });
});
