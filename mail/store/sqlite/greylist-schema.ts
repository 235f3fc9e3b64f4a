// Schema steps of the greylist triplet store (component "greylist" in schema_version), in the
// daemon's one metadata database (DIR/mailroom.db) beside the mail store and the outbound spool:
// one file to back up and restore, one WAL, and a restart (or a restore) keeps which senders
// already passed, so they are not greylisted again. Append-only: shipped steps are never edited.

export const GREYLIST_SCHEMA_STEPS: readonly string[] = [
  `
  CREATE TABLE greylist_triplets (
    network TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    passed_at INTEGER,
    PRIMARY KEY (network, sender, recipient)
  ) WITHOUT ROWID;
  CREATE INDEX greylist_triplets_last_seen ON greylist_triplets (last_seen);
  `,
];
