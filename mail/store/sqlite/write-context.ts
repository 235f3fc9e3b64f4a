// What the IMAP write operations (folder-operations.ts, flag-operations.ts, copy-move.ts) run
// with: the prepared statements of the main connection and the UIDVALIDITY allocator. They run
// inside one IMMEDIATE transaction the store opens, and return what happened; the store
// publishes the changes and removes unreferenced blob files only after the commit.

import type { MailboxChange } from '../contracts.js';
import type { ExpungeStatements } from './expunge-statements.js';
import type { FolderStatements } from './folder-statements.js';
import type { MailStatements } from './mail-statements.js';
import type { MessageStatements } from './message-statements.js';
import type { UidValidityAllocator } from './uid-validity.js';

export interface WriteContext {
  mail: MailStatements;
  folders: FolderStatements;
  messages: MessageStatements;
  expunge: ExpungeStatements;
  uidValidity: UidValidityAllocator;
  now(): Date;
}

export interface WriteOutcome {
  /** Published after the commit, in this order. */
  changes: MailboxChange[];
  /** Blob ids no message refers to any more; their files go after the commit. */
  unreferencedBlobs: string[];
}
