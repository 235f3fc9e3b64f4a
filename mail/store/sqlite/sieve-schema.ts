// The Sieve component's tables (migrate(db, 'sieve', ...)): each user's scripts, at most one of
// them active (a partial unique index says so), and the vacation responses already sent, so
// that :days is honoured across messages and restarts. Rows go with their user (ON DELETE
// CASCADE). Steps are append-only.

import { migrate, type Db } from './database.js';

export const SIEVE_SCHEMA_STEPS: readonly string[] = [
  `
  CREATE TABLE sieve_scripts (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, name)
  );
  CREATE UNIQUE INDEX sieve_scripts_one_active ON sieve_scripts(user_id) WHERE active = 1;
  CREATE TABLE sieve_vacation_sent (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sender TEXT NOT NULL,               -- lower-case envelope sender that got the response
    handle TEXT NOT NULL,               -- :handle, or a digest of the vacation's arguments
    sent_at INTEGER NOT NULL,           -- ms since the epoch
    PRIMARY KEY (user_id, sender, handle)
  );
  `,
];

export function migrateSieve(db: Db): void {
  migrate(db, 'sieve', SIEVE_SCHEMA_STEPS);
}
