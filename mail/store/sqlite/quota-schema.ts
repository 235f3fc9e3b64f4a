// Schema of the quota component: the warning level last mailed to each account (0, 80 or 95),
// so a warning goes out once per threshold crossing and not with every delivery above it.
// Steps are append-only (see migrate()): never edit one that has shipped, add a new one.

import { migrate, type Db } from './database.js';

const STEPS: readonly string[] = [
  `
  CREATE TABLE quota_warnings (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    level INTEGER NOT NULL,             -- percent of the quota last warned about: 0, 80 or 95
    updated_at INTEGER NOT NULL         -- ms since the epoch
  );
  `,
];

/** Needs the directory's tables (users) first. */
export function migrateQuota(db: Db): void {
  migrate(db, 'quota', STEPS);
}
