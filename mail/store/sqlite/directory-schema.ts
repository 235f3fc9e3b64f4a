// Schema of the directory (domains, accounts, aliases) in the embedded database.
// Steps are append-only (see migrate()): never edit one that has shipped, add a new one.

import { migrate, type Db } from './database.js';

const STEPS: readonly string[] = [
  `
  CREATE TABLE domains (
    name TEXT PRIMARY KEY,              -- lower-case, IDNA A-label
    created_at INTEGER NOT NULL         -- ms since the epoch
  );
  CREATE TABLE users (
    id TEXT PRIMARY KEY,                -- opaque and stable; the mail store keys mailboxes by it
    address TEXT NOT NULL UNIQUE,       -- normalised local@domain
    domain TEXT NOT NULL REFERENCES domains(name),
    password_hash TEXT NOT NULL,        -- PHC string, see mail/auth/password-hash.ts
    quota INTEGER,                      -- bytes; NULL = unlimited
    created_at INTEGER NOT NULL
  );
  CREATE INDEX users_domain ON users(domain);
  CREATE TABLE aliases (
    address TEXT PRIMARY KEY,           -- normalised local@domain, or @domain for a catch-all
    domain TEXT NOT NULL REFERENCES domains(name),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX aliases_domain ON aliases(domain);
  -- One row per target so "which aliases point at X" is an index lookup, not a JSON scan.
  CREATE TABLE alias_targets (
    alias TEXT NOT NULL REFERENCES aliases(address) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    target TEXT NOT NULL,               -- normalised local@domain of a user or alias
    PRIMARY KEY (alias, position)
  );
  CREATE INDEX alias_targets_target ON alias_targets(target);
  `,
  // SCRAM-SHA-256 keys (mail/auth/scram-sha256.ts): `iterations$salt$storedKey$serverKey`.
  // NULL for accounts made before this step until their next password change or login.
  `
  ALTER TABLE users ADD COLUMN scram TEXT;
  `,
  // Per-domain quota: bytes all the domain's users may hold together; NULL = unlimited.
  `
  ALTER TABLE domains ADD COLUMN quota INTEGER;
  `,
  // A disabled account cannot log in (its mail is still accepted); ms since the epoch, NULL = enabled.
  `
  ALTER TABLE users ADD COLUMN disabled_at INTEGER;
  `,
];

export function migrateDirectory(db: Db): void {
  migrate(db, 'directory', STEPS);
}
