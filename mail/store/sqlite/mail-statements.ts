// Every SQL statement of the mail store, prepared once. Delivery runs these thousands of times a
// second; preparing per call would cost more than executing.

import type { Db } from './database.js';
import type { FolderRow, MessageRow, SummaryRow } from './mail-rows.js';

export function prepareMailStatements(db: Db) {
  return {
    folder: db.prepare<[string, string], FolderRow>('SELECT * FROM folders WHERE user_id = ? AND name = ?'),
    folders: db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE user_id = ? ORDER BY name = \'INBOX\' DESC, name'),
    insertFolder: db.prepare<[string, string, string | null, number, number]>(
      'INSERT INTO folders (user_id, name, special_use, uidvalidity, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, name) DO NOTHING',
    ),
    /** Takes the next UID and MODSEQ of a folder and counts the new message in. */
    appendToFolder: db.prepare<[number, number, number], { uid: number; modseq: number }>(
      `UPDATE folders SET uidnext = uidnext + 1, highest_modseq = highest_modseq + 1, messages = messages + 1,
         unseen = unseen + ?, size = size + ? WHERE id = ? RETURNING uidnext - 1 AS uid, highest_modseq AS modseq`,
    ),
    insertBlob: db.prepare<[string, number, number, string | null, string | null, number | null, string | null, string, number], { id: number }>(
      `INSERT INTO blobs (blob_id, refcount, size, subject, from_display, date, message_id, index_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ),
    insertText: db.prepare<[number, string]>('INSERT INTO message_text (rowid, text) VALUES (?, ?)'),
    insertMessage: db.prepare<[number, number, number, string, number, number, number, number]>(
      'INSERT INTO messages (folder_id, uid, modseq, flags, seen, internal_date, size, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    summaries: db.prepare<[number], SummaryRow>(
      `SELECT m.uid, m.flags, m.internal_date, m.size, b.from_display, b.subject, b.date
       FROM messages m JOIN blobs b ON b.id = m.blob WHERE m.folder_id = ? ORDER BY m.uid`,
    ),
    message: db.prepare<[number, number], MessageRow>(
      `SELECT m.uid, m.modseq, m.flags, m.internal_date, m.size, b.from_display, b.subject, b.date, b.blob_id, b.index_json,
         (SELECT t.text FROM message_text t WHERE t.rowid = b.id) AS text
       FROM messages m JOIN blobs b ON b.id = m.blob WHERE m.folder_id = ? AND m.uid = ?`,
    ),
    usage: db.prepare<[string], { bytes: number; messages: number }>(
      'SELECT coalesce(sum(size), 0) AS bytes, coalesce(sum(messages), 0) AS messages FROM folders WHERE user_id = ?',
    ),
    blobRefsOfUser: db.prepare<[string], { blob: number; copies: number }>(
      'SELECT m.blob, count(*) AS copies FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.user_id = ? GROUP BY m.blob',
    ),
    releaseBlob: db.prepare<[number, number], { refcount: number; blob_id: string }>(
      'UPDATE blobs SET refcount = refcount - ? WHERE id = ? RETURNING refcount, blob_id',
    ),
    deleteBlob: db.prepare<[number]>('DELETE FROM blobs WHERE id = ?'),
    deleteText: db.prepare<[number]>('DELETE FROM message_text WHERE rowid = ?'),
    deleteMessagesOfUser: db.prepare<[string]>('DELETE FROM messages WHERE folder_id IN (SELECT id FROM folders WHERE user_id = ?)'),
    deleteExpungedOfUser: db.prepare<[string]>('DELETE FROM expunged WHERE folder_id IN (SELECT id FROM folders WHERE user_id = ?)'),
    deleteFoldersOfUser: db.prepare<[string]>('DELETE FROM folders WHERE user_id = ?'),
    /** Where a delivery's copies landed (in folder order, which need not be its recipients' order). */
    copiesOfBlob: db.prepare<[string], { user_id: string; name: string; uid: number; modseq: number }>(
      `SELECT f.user_id, f.name, m.uid, m.modseq FROM blobs b JOIN messages m ON m.blob = b.id JOIN folders f ON f.id = m.folder_id
       WHERE b.blob_id = ? ORDER BY f.id`,
    ),
    blobKnown: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM blobs WHERE blob_id = ?'),
    /** A small body still in the intake (body-spill.ts), not yet in its file. */
    insertPendingBody: db.prepare<[number, Buffer]>('INSERT INTO pending_bodies (blob, body) VALUES (?, ?)'),
    pendingBody: db.prepare<[string], Buffer>('SELECT p.body FROM blobs b JOIN pending_bodies p ON p.blob = b.id WHERE b.blob_id = ?').pluck(),
  };
}

export type MailStatements = ReturnType<typeof prepareMailStatements>;
