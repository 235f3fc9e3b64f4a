// SQL for CREATE, DELETE, RENAME and SUBSCRIBE. A folder's subtree is found by a range on the
// (user_id, name) key: every name below "a" lies in ["a/", "a0"), since "0" follows "/" in
// byte order, so no LIKE (and no escaping of "_" or "%" in names) is needed.

import type { Db } from './database.js';
import type { FolderRow } from './mail-rows.js';

/** [low, high) bounds of the names strictly below `name`. */
export function childRange(name: string): [string, string] {
  return [`${name}/`, `${name}0`];
}

export function prepareFolderStatements(db: Db) {
  return {
    countOfUser: db.prepare<[string], number>('SELECT count(*) FROM folders WHERE user_id = ?').pluck(),
    insert: db.prepare<[string, string, string | null, number, number], FolderRow>(
      'INSERT INTO folders (user_id, name, special_use, uidvalidity, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
    ),
    /** The folders strictly below a name (bounds from childRange), in name order. */
    children: db.prepare<[string, string, string], FolderRow>('SELECT * FROM folders WHERE user_id = ? AND name >= ? AND name < ? ORDER BY name'),
    hasChildren: db.prepare<[string, string, string], number>('SELECT 1 FROM folders WHERE user_id = ? AND name >= ? AND name < ? LIMIT 1').pluck(),
    rename: db.prepare<[string, number], FolderRow>('UPDATE folders SET name = ?, highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING *'),
    setSubscribed: db.prepare<[number, number], FolderRow>('UPDATE folders SET subscribed = ?, highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING *'),
    blobRefs: db.prepare<[number], { blob: number; copies: number }>('SELECT blob, count(*) AS copies FROM messages WHERE folder_id = ? GROUP BY blob'),
    deleteMessages: db.prepare<[number]>('DELETE FROM messages WHERE folder_id = ?'),
    deleteExpunged: db.prepare<[number]>('DELETE FROM expunged WHERE folder_id = ?'),
    delete: db.prepare<[number]>('DELETE FROM folders WHERE id = ?'),
  };
}

export type FolderStatements = ReturnType<typeof prepareFolderStatements>;
