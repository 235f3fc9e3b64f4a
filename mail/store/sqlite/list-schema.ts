// Schema of the mailing lists (mail/store/sqlite/list-store.ts), its own component so the
// directory's steps stay the directory's. Steps are append-only.

import { migrate, type Db } from './database.js';

const STEPS: readonly string[] = [
  `
  CREATE TABLE lists (
    address TEXT PRIMARY KEY,           -- normalised local@domain of one of our domains
    domain TEXT NOT NULL,
    name TEXT NOT NULL,                 -- display name ("Team"), used in "Author via Team"
    post_policy TEXT NOT NULL,          -- members | anyone | senders | moderated
    subject_prefix TEXT,                -- "[team]" or NULL for none
    owner TEXT,                         -- who hears of disabled members and held posts; NULL: nobody
    send_to_poster INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX lists_domain ON lists(domain);
  CREATE TABLE list_senders (
    list TEXT NOT NULL REFERENCES lists(address) ON DELETE CASCADE,
    sender TEXT NOT NULL,               -- may post under post_policy "senders" (besides members)
    PRIMARY KEY (list, sender)
  );
  CREATE TABLE list_members (
    id INTEGER PRIMARY KEY,
    list TEXT NOT NULL REFERENCES lists(address) ON DELETE CASCADE,
    address TEXT NOT NULL,
    status TEXT NOT NULL,               -- active | pending (awaits confirmation) | disabled (bounces)
    bounces INTEGER NOT NULL DEFAULT 0, -- within the current window
    first_bounce_at INTEGER,            -- start of the current window
    created_at INTEGER NOT NULL,
    UNIQUE (list, address)
  );
  CREATE TABLE list_pending (
    id INTEGER PRIMARY KEY,             -- part of the confirmation token (with its HMAC)
    list TEXT NOT NULL REFERENCES lists(address) ON DELETE CASCADE,
    address TEXT NOT NULL,
    action TEXT NOT NULL,               -- subscribe | unsubscribe
    created_at INTEGER NOT NULL
  );
  CREATE TABLE list_held (
    id INTEGER PRIMARY KEY,
    list TEXT NOT NULL REFERENCES lists(address) ON DELETE CASCADE,
    sender TEXT NOT NULL,               -- envelope sender
    author TEXT NOT NULL,               -- header From address
    subject TEXT NOT NULL,
    uid INTEGER NOT NULL,               -- in the list's Held folder
    received_at INTEGER NOT NULL
  );
  `,
  // The archive as an IMAP shared folder (mail/lists/list-archive-folders.ts): a member's
  // session lists it subscribed unless the member unsubscribed it, which is recorded here.
  `
  CREATE TABLE list_archive_unsubscribed (
    list TEXT NOT NULL REFERENCES lists(address) ON DELETE CASCADE,
    user_id TEXT NOT NULL,              -- the reading account (directory user id)
    PRIMARY KEY (list, user_id)
  );
  CREATE INDEX list_members_address ON list_members(address);
  `,
];

export function migrateLists(db: Db): void {
  migrate(db, 'lists', STEPS);
}
