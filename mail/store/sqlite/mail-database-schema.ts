// Every schema component of the mail daemon's database, brought up to date in one transaction.
// Each store still migrates its own tables when it is constructed (so a CLI command or a test
// that opens one store alone works); after this, those calls find nothing to do.
// Why one transaction: on a fresh database (the appliance's first boot, where the daemon makes
// the file) each component's commit was an fsync of its own, ten before port 25 could listen,
// and under software emulation an fsync costs tens of milliseconds. Nested, each component's
// migrate() is a savepoint of this one transaction, and the whole schema is durable at once.

import { OutboundSpool } from '../../queue/spool.js';
import { migrate, type Db } from './database.js';
import { migrateDirectoryGeneration } from './directory-generation.js';
import { GREYLIST_SCHEMA_STEPS } from './greylist-schema.js';
import { MAIL_SCHEMA_STEPS } from './mail-schema.js';
import { migrateQuota } from './quota-schema.js';

export function migrateMailDatabase(db: Db): void {
  db.transaction(() => {
    migrate(db, 'mail', MAIL_SCHEMA_STEPS);
    // The directory, forwards, lists and Sieve, then the counter whose triggers name their tables.
    migrateDirectoryGeneration(db);
    migrateQuota(db);
    OutboundSpool.migrate(db);
    migrate(db, 'greylist', GREYLIST_SCHEMA_STEPS);
  }).immediate();
}
