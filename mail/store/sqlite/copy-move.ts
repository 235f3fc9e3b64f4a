// COPY and MOVE (RFC 9051 6.4.7, RFC 6851), and the message half of renaming INBOX. Runs inside
// the store's IMMEDIATE transaction. A copy is a new message row pointing at the same blob, so
// no body is read or written: the blob's refcount grows by one per copy. A move inserts the new
// rows and deletes the old ones in the same transaction, so its refcounts do not change at all.
//
// The destination takes consecutive new UIDs in source UID order and one new MODSEQ for the
// whole operation; flags and INTERNALDATE are kept. The source of a move takes one new MODSEQ,
// under which the moved UIDs are recorded as expunged (QRESYNC VANISHED).

import { ConflictError, InputError } from '../../../core/errors.js';
import { FolderErrorCode, type CopyResult, type MailboxChange, type UserId } from '../contracts.js';
import type { FolderRow } from './mail-rows.js';
import type { CopySourceRow } from './message-statements.js';
import type { WriteContext } from './write-context.js';

export interface CopyOutcome {
  result: CopyResult;
  changes: MailboxChange[];
}

function totals(rows: readonly CopySourceRow[]): { unseen: number; bytes: number } {
  let unseen = 0;
  let bytes = 0;
  for (const r of rows) {
    if (r.seen === 0) unseen++;
    bytes += r.size;
  }
  return { unseen, bytes };
}

/** Inserts `rows` (in UID order) into `dest` under new UIDs; bodies' refcounts are the caller's. */
export function insertCopies(ctx: WriteContext, dest: FolderRow, rows: readonly CopySourceRow[]): { pairs: Array<[number, number]>; modseq: number } {
  const { unseen, bytes } = totals(rows);
  const n = rows.length;
  const { first, modseq } = ctx.messages.reserveUids.get(n, n, unseen, bytes, dest.id, n)!;
  const pairs: Array<[number, number]> = [];
  rows.forEach((r, i) => {
    ctx.mail.insertMessage.run(dest.id, first + i, modseq, r.flags, r.seen, r.internal_date, r.size, r.blob);
    pairs.push([r.uid, first + i]);
  });
  return { pairs, modseq };
}

/** Deletes `rows` from `source` without touching refcounts (their bodies moved on); records them as expunged. */
export function removeMoved(ctx: WriteContext, source: FolderRow, rows: readonly CopySourceRow[]): number {
  const { unseen, bytes } = totals(rows);
  for (const r of rows) ctx.expunge.deleteMessage.run(source.id, r.uid);
  const { modseq } = ctx.expunge.shrinkFolder.get(rows.length, unseen, bytes, source.id)!;
  for (const r of rows) ctx.expunge.recordExpunged.run(source.id, r.uid, modseq);
  return modseq;
}

function sourceRows(ctx: WriteContext, source: FolderRow, uids: readonly number[]): CopySourceRow[] {
  return uids.length === 0 ? [] : ctx.messages.copySource.all(source.id, JSON.stringify(uids));
}

export function applyCopy(
  ctx: WriteContext, userId: UserId, source: FolderRow, dest: FolderRow, uids: readonly number[], quota: number | null,
): CopyOutcome {
  const rows = sourceRows(ctx, source, uids);
  if (rows.length === 0) return { result: { uidValidity: dest.uidvalidity, pairs: [] }, changes: [] };
  if (quota !== null) {
    const used = ctx.mail.usage.get(userId)!.bytes;
    const adding = totals(rows).bytes;
    if (used + adding > quota) {
      throw new ConflictError(FolderErrorCode.overQuota, `copying ${adding} bytes would exceed the quota (${used} of ${quota} bytes used)`);
    }
  }
  const { pairs, modseq } = insertCopies(ctx, dest, rows);
  const refs = new Map<number, number>();
  for (const r of rows) refs.set(r.blob, (refs.get(r.blob) ?? 0) + 1);
  for (const [blob, n] of refs) ctx.messages.addBlobRefs.run(n, blob);
  return {
    result: { uidValidity: dest.uidvalidity, pairs },
    changes: [{ userId, folder: dest.name, kind: 'exists', uids: pairs.map((p) => p[1]), modseq }],
  };
}

export function applyMove(ctx: WriteContext, userId: UserId, source: FolderRow, dest: FolderRow, uids: readonly number[]): CopyOutcome {
  if (source.id === dest.id) throw new InputError(FolderErrorCode.sameFolder, `cannot move messages from ${source.name} into itself`);
  return moveRows(ctx, userId, source, dest, sourceRows(ctx, source, uids));
}

/** Moves these rows of `source` to `dest`; also how renaming INBOX empties it. */
export function moveRows(ctx: WriteContext, userId: UserId, source: FolderRow, dest: FolderRow, rows: readonly CopySourceRow[]): CopyOutcome {
  if (rows.length === 0) return { result: { uidValidity: dest.uidvalidity, pairs: [] }, changes: [] };
  const { pairs, modseq } = insertCopies(ctx, dest, rows);
  const sourceModseq = removeMoved(ctx, source, rows);
  return {
    result: { uidValidity: dest.uidvalidity, pairs },
    changes: [
      { userId, folder: dest.name, kind: 'exists', uids: pairs.map((p) => p[1]), modseq },
      { userId, folder: source.name, kind: 'expunge', uids: rows.map((r) => r.uid), modseq: sourceModseq },
    ],
  };
}
