// The SQLite half of a delivery: runs inside a group-commit transaction, after the body's file is
// durable, or with a small body's bytes that this transaction makes durable (pending_bodies,
// body-spill.ts). One blobs row (refcount = copies) and one search-text row however many recipients,
// then one message row per distinct folder, each taking that folder's next UID and MODSEQ.

import type { DeliveryTarget, MessageIndex, UserId } from '../contracts.js';
import { deliverableFlags, hasSeen } from './flag-set.js';
import { encodeFlags, normalizeFolderName, serializeIndex, type FolderRow } from './mail-rows.js';
import type { MailStatements } from './mail-statements.js';

export interface DeliveryJob {
  blobId: string;
  size: number;
  /**
   * The message's index, made while a large body streamed; or, for a small body, its bytes for
   * the commit worker to index (job-index.ts).
   */
  content: { index: MessageIndex } | { bytes: Uint8Array };
  /**
   * The body has no file yet: `content.bytes` are the whole body, stored with the rows in
   * pending_bodies and moved to the blob file after the commit (body-spill.ts).
   */
  inline?: boolean;
  targets: readonly DeliveryTarget[];
  internalDate: Date;
}

/** A job whose index is known (the commit worker's view, after job-index.ts). */
export interface IndexedDeliveryJob extends Omit<DeliveryJob, 'content' | 'inline'> {
  index: MessageIndex;
  /** The body to keep in pending_bodies (an inline job's bytes). */
  inlineBody?: Uint8Array;
}

export interface DeliveredCopy {
  userId: UserId;
  folder: string;
  uid: number;
  modseq: number;
}

export interface DeliveryContext {
  statements: MailStatements;
  /** Creates the standard folders of a user inside the current transaction. */
  createStandardFolders(userId: UserId): void;
  now(): Date;
}

/**
 * The folder a target lands in. An account without folders gets its standard ones first; a
 * folder that does not exist (a stale Sieve fileinto) falls back to INBOX rather than bouncing.
 */
function resolveFolder(ctx: DeliveryContext, target: DeliveryTarget): FolderRow {
  const name = normalizeFolderName(target.folder ?? 'INBOX');
  const { folder } = ctx.statements;
  let row = folder.get(target.userId, name);
  if (row) return row;
  ctx.createStandardFolders(target.userId);
  row = folder.get(target.userId, name) ?? folder.get(target.userId, 'INBOX');
  if (!row) throw new Error(`no INBOX for user ${target.userId} after creating it`);
  return row;
}

export function applyDelivery(ctx: DeliveryContext, job: IndexedDeliveryJob): DeliveredCopy[] {
  const s = ctx.statements;
  const copies = new Map<number, { row: FolderRow; flags: string[] }>();
  for (const target of job.targets) {
    const row = resolveFolder(ctx, target);
    if (!copies.has(row.id)) copies.set(row.id, { row, flags: deliverableFlags(target.flags ?? []) });
  }
  const { index } = job;
  const blob = s.insertBlob.get(
    job.blobId, copies.size, job.size, index.subject, index.from, index.date ? index.date.getTime() : null, index.messageId,
    serializeIndex(index), ctx.now().getTime(),
  )!;
  if (index.searchText) s.insertText.run(blob.id, index.searchText);
  if (job.inlineBody) {
    const b = job.inlineBody;
    s.insertPendingBody.run(blob.id, Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  const delivered: DeliveredCopy[] = [];
  const internalDate = job.internalDate.getTime();
  for (const { row, flags } of copies.values()) {
    const seen = hasSeen(flags);
    const next = s.appendToFolder.get(seen ? 0 : 1, job.size, row.id)!;
    s.insertMessage.run(row.id, next.uid, next.modseq, encodeFlags(flags), seen ? 1 : 0, internalDate, job.size, blob.id);
    delivered.push({ userId: row.user_id, folder: row.name, uid: next.uid, modseq: next.modseq });
  }
  return delivered;
}
