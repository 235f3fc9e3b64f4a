// Schema steps of the mail store (component "mail" in schema_version). Append-only: a step that
// has shipped is never edited; changes are new steps.
//
// Users live in the directory's tables; there is deliberately no foreign key to them, so the
// store can run against any Directory (and a scale-out store has no such table at all).
// Per-folder counters (messages, unseen, size) are kept up to date in the same transactions
// that change messages, so STATUS, LIST and quota checks never count rows.
// One message body = one `blobs` row (refcount = folder copies), with the MessageIndex and the
// search text (FTS5, rowid = blobs.id) stored once however many recipients it has.

export const MAIL_SCHEMA_STEPS: readonly string[] = [
  `
  CREATE TABLE mail_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );

  CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    special_use TEXT,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL DEFAULT 1,
    highest_modseq INTEGER NOT NULL DEFAULT 1,
    subscribed INTEGER NOT NULL DEFAULT 1,
    messages INTEGER NOT NULL DEFAULT 0,
    unseen INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
  );

  CREATE TABLE blobs (
    id INTEGER PRIMARY KEY,
    blob_id TEXT NOT NULL UNIQUE,
    refcount INTEGER NOT NULL,
    size INTEGER NOT NULL,
    subject TEXT,
    from_display TEXT,
    date INTEGER,
    message_id TEXT,
    index_json TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE messages (
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    seen INTEGER NOT NULL DEFAULT 0,
    internal_date INTEGER NOT NULL,
    size INTEGER NOT NULL,
    blob INTEGER NOT NULL,
    PRIMARY KEY (folder_id, uid)
  ) WITHOUT ROWID;

  CREATE INDEX messages_by_modseq ON messages (folder_id, modseq);

  CREATE VIRTUAL TABLE message_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  `,
  // 2: the record of expunged UIDs that QRESYNC (RFC 7162) answers VANISHED from: one row per
  // UID expunged or moved out, with the MODSEQ of that expunge. UIDs are never reused within a
  // folder, so (folder_id, uid) is a key. The rows go with their folder (deleteFolder deletes
  // them in its transaction; the foreign key is a second line).
  // Expunges before this step left no record, but UIDs are handed out in order, so every UID
  // below uidnext without a message was expunged: they are recorded with the folder's current
  // MODSEQ. A client resyncing from an older MODSEQ may hear of a few it never knew, which
  // VANISHED (EARLIER) allows; it never misses one.
  `
  CREATE TABLE expunged (
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY (folder_id, uid)
  ) WITHOUT ROWID;

  CREATE INDEX expunged_by_modseq ON expunged (folder_id, modseq);

  WITH RECURSIVE assigned (folder_id, uid, last, modseq) AS (
    SELECT id, 1, uidnext - 1, highest_modseq FROM folders WHERE uidnext > 1
    UNION ALL
    SELECT folder_id, uid + 1, last, modseq FROM assigned WHERE uid < last
  )
  INSERT INTO expunged (folder_id, uid, modseq)
  SELECT a.folder_id, a.uid, a.modseq FROM assigned a
  WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.folder_id = a.folder_id AND m.uid = a.uid);
  `,
  // 3: the intake of small bodies (body-spill.ts). A delivery whose body fits the commit worker's
  // hold stores the bytes here, in the transaction of its rows, so one WAL fsync makes the whole
  // message durable; the commit worker then writes each body to its immutable blob file and
  // deletes its row. A row goes with its blob (an expunge before the move).
  `
  CREATE TABLE pending_bodies (
    blob INTEGER PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE,
    body BLOB NOT NULL
  );
  `,
];
