// SQL for what IMAP does to messages beyond delivery and expunge: reading flags and changes
// (SELECT, FETCH, QRESYNC), STORE, COPY and MOVE. Main thread only, like expunge-statements.ts.
//
// Sets of UIDs are bound as one JSON array and opened with json_each, so FETCH 1:500 is one
// query of primary-key lookups rather than 500 queries or a statement per list length.
//
// Flag listings come back as three JSON arrays (UIDs, MODSEQs, flags) built by SQLite in one
// row: SELECT of a 100,000-message folder reads every row, and one JSON.parse per column costs
// a fraction of what handing 100,000 rows to JavaScript one by one does (measured: ~4x).
// SQLite builds the arrays in the subquery's UID order in practice, but SQL does not promise it
// (and ORDER BY inside the aggregate would sort again), so the reader checks (flag-columns.ts).

import type { Db } from './database.js';
import type { MessageRow } from './mail-rows.js';

/** JSON arrays of the same length: UIDs, MODSEQs, flags strings. */
export type FlagColumns = [string, string, string];

const FLAG_COLUMNS = 'SELECT json_group_array(uid), json_group_array(modseq), json_group_array(flags) FROM';

export interface CopySourceRow {
  uid: number;
  flags: string;
  seen: number;
  internal_date: number;
  size: number;
  blob: number;
}

export function prepareMessageStatements(db: Db) {
  return {
    flagsOfFolder: db.prepare<[number], FlagColumns>(`${FLAG_COLUMNS} (SELECT uid, modseq, flags FROM messages WHERE folder_id = ? ORDER BY uid)`).raw(),
    flagsOfUids: db.prepare<[number, string], FlagColumns>(
      `${FLAG_COLUMNS} (SELECT uid, modseq, flags FROM messages WHERE folder_id = ? AND uid IN (SELECT value FROM json_each(?)) ORDER BY uid)`,
    ).raw(),
    /** Uses messages_by_modseq: a resync after a few changes touches a few rows, not the folder. */
    changedSince: db.prepare<[number, number], FlagColumns>(
      `${FLAG_COLUMNS} (SELECT uid, modseq, flags FROM messages WHERE folder_id = ? AND modseq > ? ORDER BY uid)`,
    ).raw(),
    vanishedSince: db.prepare<[number, number], number>('SELECT uid FROM expunged WHERE folder_id = ? AND modseq > ? ORDER BY uid').pluck(),
    messagesOfUids: db.prepare<[number, string], MessageRow>(
      `SELECT m.uid, m.modseq, m.flags, m.internal_date, m.size, b.from_display, b.subject, b.date, b.blob_id, b.index_json,
         (SELECT t.text FROM message_text t WHERE t.rowid = b.id) AS text
       FROM messages m JOIN blobs b ON b.id = m.blob
       WHERE m.folder_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid`,
    ),
    /** What a STORE needs of each message: [uid, modseq, flags, seen]. */
    storeTargets: db.prepare<[number, string], [number, number, string, number]>(
      'SELECT uid, modseq, flags, seen FROM messages WHERE folder_id = ? AND uid IN (SELECT value FROM json_each(?)) ORDER BY uid',
    ).raw(),
    updateFlags: db.prepare<[string, number, number, number, number]>('UPDATE messages SET flags = ?, seen = ?, modseq = ? WHERE folder_id = ? AND uid = ?'),
    /** One new MODSEQ for a whole STORE, with the unseen counter moved by the same transaction. */
    takeModseq: db.prepare<[number, number], { modseq: number }>(
      'UPDATE folders SET highest_modseq = highest_modseq + 1, unseen = unseen + ? WHERE id = ? RETURNING highest_modseq AS modseq',
    ),
    copySource: db.prepare<[number, string], CopySourceRow>(
      `SELECT uid, flags, seen, internal_date, size, blob FROM messages
       WHERE folder_id = ? AND uid IN (SELECT value FROM json_each(?)) ORDER BY uid`,
    ),
    allOfFolder: db.prepare<[number], CopySourceRow>('SELECT uid, flags, seen, internal_date, size, blob FROM messages WHERE folder_id = ? ORDER BY uid'),
    /**
     * Takes `n` consecutive UIDs and one MODSEQ for a COPY or MOVE and counts the new messages in.
     * Returns the first UID taken.
     */
    reserveUids: db.prepare<[number, number, number, number, number, number], { first: number; modseq: number }>(
      `UPDATE folders SET uidnext = uidnext + ?, highest_modseq = highest_modseq + 1, messages = messages + ?, unseen = unseen + ?, size = size + ?
       WHERE id = ? RETURNING uidnext - ? AS first, highest_modseq AS modseq`,
    ),
    addBlobRefs: db.prepare<[number, number]>('UPDATE blobs SET refcount = refcount + ? WHERE id = ?'),
  };
}

export type MessageStatements = ReturnType<typeof prepareMessageStatements>;
