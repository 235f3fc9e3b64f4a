// The standard folders of an account, created inside a transaction. Both connections that write
// folders use it: the main thread's (createMailbox) and the commit worker's (a delivery to an
// account that has none yet). Each creation takes a fresh UIDVALIDITY (uid-validity.ts).

import type Database from 'better-sqlite3';
import { STANDARD_FOLDERS, type UserId } from '../contracts.js';
import type { Db } from './database.js';
import type { MailStatements } from './mail-statements.js';
import { UidValidityAllocator } from './uid-validity.js';

/** A transaction function (a savepoint when called inside another transaction); idempotent. */
export function standardFoldersTransaction(db: Db, statements: MailStatements, now: () => Date): Database.Transaction<(userId: UserId) => void> {
  const uidValidity = new UidValidityAllocator(db, now);
  return db.transaction((userId: UserId) => {
    for (const f of STANDARD_FOLDERS) {
      if (statements.folder.get(userId, f.name)) continue;
      statements.insertFolder.run(userId, f.name, f.specialUse, uidValidity.next(), now().getTime());
    }
  });
}
