// Schema of the forwarders (mail/store/sqlite/forward-store.ts), its own component so the
// directory's steps stay the directory's. Steps are append-only.

import { migrate, type Db } from './database.js';
import { migrateDirectory } from './directory-schema.js';

const STEPS: readonly string[] = [
  `
  CREATE TABLE forwards (
    address TEXT PRIMARY KEY,           -- normalised local@domain of one of our domains
    domain TEXT NOT NULL,               -- so a domain's forwarders list by index
    keep_copy INTEGER NOT NULL,         -- 1: local mailboxes still get it; 0: forwarded only
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX forwards_domain ON forwards(domain);
  CREATE TABLE forward_targets (
    address TEXT NOT NULL REFERENCES forwards(address) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    target TEXT NOT NULL,               -- normalised local@domain outside our domains
    PRIMARY KEY (address, position)
  );
  `,
  // A forwarder goes with its user, and all of a domain's with the domain, in the same
  // transaction as the directory's DELETE, whoever makes it (CLI, control socket, a future
  // backend's import); without this a re-created user would silently inherit an old forward.
  // Rows already orphaned by earlier removals are cleared here once.
  `
  CREATE TRIGGER forwards_user_removed AFTER DELETE ON users
  BEGIN
    DELETE FROM forwards WHERE address = OLD.address;
  END;
  CREATE TRIGGER forwards_domain_removed AFTER DELETE ON domains
  BEGIN
    DELETE FROM forwards WHERE domain = OLD.name;
  END;
  DELETE FROM forwards WHERE domain NOT IN (SELECT name FROM domains);
  `,
];

export function migrateForwards(db: Db): void {
  // The triggers above name the directory's tables: they must exist first (idempotent).
  migrateDirectory(db);
  migrate(db, 'forward', STEPS);
}
