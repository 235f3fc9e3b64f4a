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
];
