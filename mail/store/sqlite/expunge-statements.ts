// SQL for removing messages (POP3 DELE at QUIT, IMAP EXPUNGE and MOVE) and for the cheap listing
// POP3 needs. Kept apart from mail-statements.ts: these run on the main thread's connection
// only, never in the commit worker, so the worker need not prepare them.

import type { Db } from './database.js';

export function prepareExpungeStatements(db: Db) {
  return {
    /** One message of a folder with what its removal must undo in the counters. */
    messageForExpunge: db.prepare<[number, number], { blob: number; seen: number; size: number }>(
      'SELECT blob, seen, size FROM messages WHERE folder_id = ? AND uid = ?',
    ),
    deleteMessage: db.prepare<[number, number]>('DELETE FROM messages WHERE folder_id = ? AND uid = ?'),
    releaseOneRef: db.prepare<[number], { refcount: number; blob_id: string }>(
      'UPDATE blobs SET refcount = refcount - 1 WHERE id = ? RETURNING refcount, blob_id',
    ),
    deleteBlob: db.prepare<[number]>('DELETE FROM blobs WHERE id = ?'),
    deleteText: db.prepare<[number]>('DELETE FROM message_text WHERE rowid = ?'),
    /** Counts the removed messages out and takes one MODSEQ for the whole expunge. */
    shrinkFolder: db.prepare<[number, number, number, number], { modseq: number }>(
      `UPDATE folders SET messages = messages - ?, unseen = unseen - ?, size = size - ?, highest_modseq = highest_modseq + 1
       WHERE id = ? RETURNING highest_modseq AS modseq`,
    ),
    /** QRESYNC's memory of the expunge (schema step 2); UIDs are never reused, so a clash cannot happen. */
    recordExpunged: db.prepare<[number, number, number]>('INSERT OR REPLACE INTO expunged (folder_id, uid, modseq) VALUES (?, ?, ?)'),
    messageRefs: db.prepare<[number], { uid: number; size: number; blob_id: string }>(
      'SELECT m.uid, m.size, b.blob_id FROM messages m JOIN blobs b ON b.id = m.blob WHERE m.folder_id = ? ORDER BY m.uid',
    ),
  };
}

export type ExpungeStatements = ReturnType<typeof prepareExpungeStatements>;
