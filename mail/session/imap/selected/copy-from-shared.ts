// COPY out of a shared folder (shared-folders.ts) into the reader's own folder. The store copies
// only within one owner's mailbox, so each message goes through a delivery transaction of its
// own into the reader's folder (a new body file; flags and INTERNALDATE kept). The reader's
// quota is checked for all of them first, and a copy that fails part-way expunges what it made,
// so the destination is left as it was (RFC 9051 section 6.4.7).

import type { CopyResult, MailStore } from '../../../store/contracts.js';
import { judgeUser } from '../../../delivery/quota.js';
import type { ImapContext } from '../context.js';
import { ImapCommandError, imapErrors } from '../errors.js';
import { storeError } from '../store-errors.js';
import { messageBatches } from './message-batches.js';
import type { SelectedMailbox } from './selected-mailbox.js';

export async function copyFromShared(ctx: ImapContext, view: SelectedMailbox, uids: readonly number[], destination: string): Promise<CopyResult> {
  const store = ctx.deps.mailStore;
  const user = (await ctx.deps.directory.getUserById(view.user.id)) ?? view.user;
  let dest;
  try {
    dest = await store.getFolder(user.id, destination);
  } catch (err) {
    storeError(err);
  }
  if (!dest) throw imapErrors.tryCreate();
  if (uids.length === 0) return { uidValidity: dest.uidValidity, pairs: [] };

  const wanted = new Set(uids);
  const refs = (await store.listMessageRefs(view.userId, view.folder)).filter((r) => wanted.has(r.uid));
  const bytes = refs.reduce((n, r) => n + r.size, 0);
  const verdict = await judgeUser(store, user, bytes, { directory: ctx.deps.directory });
  if (verdict.kind !== 'fits') throw imapErrors.overQuota();

  const pairs: Array<[number, number]> = [];
  try {
    for await (const batch of messageBatches(store, view.userId, view.folder, uids)) {
      for (const m of batch) {
        const uid = await copyOne(store, m, user.id, dest.name);
        pairs.push([m.uid, uid]);
      }
    }
  } catch (err) {
    await undo(ctx, store, user.id, dest.name, pairs.map((p) => p[1]));
    throw err;
  }
  return { uidValidity: dest.uidValidity, pairs };
}

async function copyOne(store: MailStore, m: { blobId: string; internalDate: Date; flags: string[] }, userId: string, folder: string): Promise<number> {
  const tx = store.beginDelivery({ internalDate: m.internalDate });
  tx.addRecipient({ userId, folder, flags: [...m.flags] });
  let receipt;
  try {
    await tx.writeBody(store.openMessage(m.blobId));
    receipt = await tx.commit();
  } catch (err) {
    await tx.abort().catch(() => undefined);
    throw err;
  }
  const delivered = receipt.delivered[0];
  if (!delivered) throw new Error('delivery committed without a copy');
  if (delivered.folder !== folder) {
    // The destination was deleted meanwhile and the store kept the message elsewhere: take it back.
    await store.expunge(userId, delivered.folder, [delivered.uid]);
    throw imapErrors.tryCreate();
  }
  return delivered.uid;
}

async function undo(ctx: ImapContext, store: MailStore, userId: string, folder: string, uids: number[]): Promise<void> {
  if (uids.length === 0) return;
  try {
    await store.expunge(userId, folder, uids);
  } catch (err) {
    ctx.log.error('COPY from a shared folder failed and its partial copies could not be removed', { err, folder, uids: uids.length });
    throw new ImapCommandError('imap_copy_partial', 'Copy failed part-way; some messages may have been copied', { clientError: false, cause: err });
  }
}
