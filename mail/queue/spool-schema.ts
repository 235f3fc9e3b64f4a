// The outbound spool's tables in the shared metadata database (migrate(db, 'queue', ...)).
// Append-only: never edit a step that has shipped; add a new one.
//
// One row per message (its body is a file in DATA/queue/blobs named by the queue id, or for a
// small one a row in queue_bodies) and one row per recipient, because every recipient has its own
// fate: delivered, deferred with its own retry time, or failed with a bounce still to send.

export const QUEUE_SCHEMA_STEPS: readonly string[] = [
  `
  CREATE TABLE queue_messages (
    id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    size INTEGER NOT NULL,
    queued_at INTEGER NOT NULL,
    is_bounce INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE queue_recipients (
    message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    domain TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'deferred', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_reply TEXT,
    status TEXT,
    remote_mta TEXT,
    bounce TEXT NOT NULL DEFAULT 'none' CHECK (bounce IN ('none', 'pending', 'sent')),
    PRIMARY KEY (message_id, address)
  );
  CREATE INDEX queue_recipients_due ON queue_recipients (next_attempt_at) WHERE state IN ('pending', 'deferred');
  CREATE INDEX queue_recipients_bounce ON queue_recipients (message_id) WHERE bounce = 'pending';
  `,
  // A small body kept in the database with its message's rows (spool.ts, inlineBodyBytes): one
  // transaction, one fsync (the WAL's) makes message and body durable together, where a file
  // needed its own fsync and its directory's before the rows could commit, then an unlink.
  // Its own table so that the statements reading queue_messages never load a body by accident.
  `
  CREATE TABLE queue_bodies (
    message_id TEXT PRIMARY KEY REFERENCES queue_messages(id) ON DELETE CASCADE,
    body BLOB NOT NULL
  );
  `,
];
