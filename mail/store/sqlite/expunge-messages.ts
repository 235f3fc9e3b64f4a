// The SQLite half of an expunge: runs inside one IMMEDIATE transaction on the main connection.
// Removes the message rows, gives back each body reference and deletes the blob row and its
// search text when it was the last one, then shrinks the folder's counters and takes a single
// new MODSEQ, under which the removed UIDs are recorded for QRESYNC's VANISHED. Blob files are
// NOT touched here: the caller removes them after the commit, so a crash can leave an orphan
// file (swept at start) but never a row whose body is gone.

import type { ExpungeStatements } from './expunge-statements.js';

export interface ExpungeOutcome {
  removedUids: number[];
  /** Blob ids no message refers to any more; their files go after the commit. */
  unreferencedBlobs: string[];
  /** The folder's MODSEQ after the expunge, or null when nothing was removed. */
  modseq: number | null;
}

export function applyExpunge(s: ExpungeStatements, folderId: number, uids: readonly number[]): ExpungeOutcome {
  const removedUids: number[] = [];
  const unreferencedBlobs: string[] = [];
  let unseen = 0;
  let bytes = 0;
  for (const uid of new Set(uids)) {
    const m = s.messageForExpunge.get(folderId, uid);
    if (!m) continue; // already gone (another session expunged it): not an error
    s.deleteMessage.run(folderId, uid);
    const left = s.releaseOneRef.get(m.blob)!;
    if (left.refcount <= 0) {
      s.deleteText.run(m.blob);
      s.deleteBlob.run(m.blob);
      unreferencedBlobs.push(left.blob_id);
    }
    removedUids.push(uid);
    if (m.seen === 0) unseen++;
    bytes += m.size;
  }
  if (removedUids.length === 0) return { removedUids, unreferencedBlobs, modseq: null };
  const { modseq } = s.shrinkFolder.get(removedUids.length, unseen, bytes, folderId)!;
  removedUids.sort((a, b) => a - b);
  for (const uid of removedUids) s.recordExpunged.run(folderId, uid, modseq);
  return { removedUids, unreferencedBlobs, modseq };
}
