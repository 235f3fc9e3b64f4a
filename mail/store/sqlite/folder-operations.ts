// CREATE, DELETE, RENAME and SUBSCRIBE (RFC 9051 6.3), each inside the store's IMMEDIATE
// transaction. Every folder the store has is selectable and can hold messages; parents are
// created as real folders (there are no \NonExistent placeholders), so every name's ancestors
// exist, which is why DELETE refuses a folder with children instead of leaving holes.

import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import { FolderErrorCode, type Folder, type MailboxChange, type UserId } from '../contracts.js';
import { moveRows } from './copy-move.js';
import { MAX_FOLDERS_PER_USER, ancestorsOf, creatableSpecialUse, isWithin, validFolderName } from './folder-names.js';
import { childRange } from './folder-statements.js';
import { normalizeFolderName, toFolder, type FolderRow } from './mail-rows.js';
import type { WriteContext, WriteOutcome } from './write-context.js';

function folderChange(userId: UserId, name: string, modseq: number): MailboxChange {
  return { userId, folder: name, kind: 'folder', uids: [], modseq };
}

function notFound(name: string): NotFoundError {
  return new NotFoundError(FolderErrorCode.notFound, `no folder ${JSON.stringify(name)}`);
}

function existing(ctx: WriteContext, userId: UserId, name: string): FolderRow {
  const row = ctx.mail.folder.get(userId, name);
  if (!row) throw notFound(name);
  return row;
}

/** Creates `names` (parents first) with fresh UIDVALIDITYs, after checking the account's folder limit. */
function createFolders(ctx: WriteContext, userId: UserId, names: readonly string[], specialUseOfLast: string | null): FolderRow[] {
  const count = ctx.folders.countOfUser.get(userId)!;
  if (count + names.length > MAX_FOLDERS_PER_USER) {
    throw new InputError(FolderErrorCode.limit, `an account can have at most ${MAX_FOLDERS_PER_USER} folders`);
  }
  const createdAt = ctx.now().getTime();
  return names.map((name, i) => ctx.folders.insert.get(userId, name, i === names.length - 1 ? specialUseOfLast : null, ctx.uidValidity.next(), createdAt)!);
}

/** The ancestors of `name` that do not exist yet, outermost first. */
function missingAncestors(ctx: WriteContext, userId: UserId, name: string): string[] {
  return ancestorsOf(name).filter((a) => !ctx.mail.folder.get(userId, a));
}

export function applyCreateFolder(ctx: WriteContext, userId: UserId, name: string, specialUse: string | null): { folder: Folder; changes: MailboxChange[] } {
  const target = validFolderName(name);
  const special = specialUse === null ? null : creatableSpecialUse(specialUse);
  if (ctx.mail.folder.get(userId, target)) throw new ConflictError(FolderErrorCode.exists, `folder ${JSON.stringify(target)} exists`);
  const created = createFolders(ctx, userId, [...missingAncestors(ctx, userId, target), target], special);
  return { folder: toFolder(created[created.length - 1]!), changes: created.map((f) => folderChange(userId, f.name, f.highest_modseq)) };
}

export function applyDeleteFolder(ctx: WriteContext, userId: UserId, name: string): WriteOutcome {
  const target = normalizeFolderName(name);
  if (target === 'INBOX') throw new InputError(FolderErrorCode.protected, 'INBOX cannot be deleted');
  const row = existing(ctx, userId, target);
  if (ctx.folders.hasChildren.get(userId, ...childRange(target))) {
    throw new ConflictError(FolderErrorCode.hasChildren, `folder ${JSON.stringify(target)} has child folders; delete them first`);
  }
  const unreferencedBlobs: string[] = [];
  for (const ref of ctx.folders.blobRefs.all(row.id)) {
    const left = ctx.mail.releaseBlob.get(ref.copies, ref.blob)!;
    if (left.refcount <= 0) {
      ctx.mail.deleteText.run(ref.blob);
      ctx.mail.deleteBlob.run(ref.blob);
      unreferencedBlobs.push(left.blob_id);
    }
  }
  ctx.folders.deleteMessages.run(row.id);
  ctx.folders.deleteExpunged.run(row.id);
  ctx.folders.delete.run(row.id);
  return { changes: [folderChange(userId, target, row.highest_modseq + 1)], unreferencedBlobs };
}

export function applyRenameFolder(ctx: WriteContext, userId: UserId, from: string, to: string): MailboxChange[] {
  const source = normalizeFolderName(from);
  const target = validFolderName(to);
  if (target === 'INBOX') throw new InputError(FolderErrorCode.protected, 'a folder cannot be renamed to INBOX');
  const row = existing(ctx, userId, source);
  if (target === source || ctx.mail.folder.get(userId, target)) throw new ConflictError(FolderErrorCode.exists, `folder ${JSON.stringify(target)} exists`);
  // INBOX's children stay where they are when it is renamed, so "INBOX/Old" is a fine target.
  if (source === 'INBOX') return renameInbox(ctx, userId, row, target);
  if (isWithin(target, source)) throw new InputError(FolderErrorCode.invalidName, `cannot rename ${JSON.stringify(source)} into itself`);

  // The folder and everything below it, each under its new name; every new name must be valid
  // (length, depth) and free.
  const subtree = [row, ...ctx.folders.children.all(userId, ...childRange(source))];
  const renames = subtree.map((f) => ({ row: f, name: validFolderName(target + f.name.slice(source.length)) }));
  for (const r of renames) {
    if (ctx.mail.folder.get(userId, r.name)) throw new ConflictError(FolderErrorCode.exists, `folder ${JSON.stringify(r.name)} exists`);
  }
  const parents = createFolders(ctx, userId, missingAncestors(ctx, userId, target), null);
  const changes = parents.map((f) => folderChange(userId, f.name, f.highest_modseq));
  for (const r of renames) {
    const renamed = ctx.folders.rename.get(r.name, r.row.id)!;
    changes.push(folderChange(userId, r.row.name, renamed.highest_modseq), folderChange(userId, renamed.name, renamed.highest_modseq));
  }
  return changes;
}

/**
 * RFC 9051 6.3.6: renaming INBOX moves all its messages to a new folder of the new name (new
 * UIDVALIDITY, new UIDs) and leaves INBOX empty; folders below INBOX stay where they are.
 */
function renameInbox(ctx: WriteContext, userId: UserId, inbox: FolderRow, target: string): MailboxChange[] {
  const created = createFolders(ctx, userId, [...missingAncestors(ctx, userId, target), target], null);
  const dest = created[created.length - 1]!;
  const moved = moveRows(ctx, userId, inbox, dest, ctx.messages.allOfFolder.all(inbox.id));
  return [...created.map((f) => folderChange(userId, f.name, f.highest_modseq)), ...moved.changes];
}

export function applySetSubscribed(ctx: WriteContext, userId: UserId, name: string, subscribed: boolean): MailboxChange[] {
  const row = existing(ctx, userId, normalizeFolderName(name));
  if ((row.subscribed === 1) === subscribed) return [];
  const updated = ctx.folders.setSubscribed.get(subscribed ? 1 : 0, row.id)!;
  return [folderChange(userId, updated.name, updated.highest_modseq)];
}
