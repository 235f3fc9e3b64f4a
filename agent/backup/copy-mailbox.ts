// Restoring one mailbox: every message of a user in a restored (source) store is delivered into
// the same user of the live (target) store, under "Restored/YYYY-MM-DD/<original folder>", with
// its flags and arrival time. Delivered, not overwritten: the live mailbox keeps its own UIDs
// and UIDVALIDITY, so no IMAP client's cache is invalidated, and nothing it holds is lost.
// Uses only the MailStore contract.

import { ConflictError } from '../../core/errors.js';
import type { MailStore, UserId } from '../../mail/store/contracts.js';

export interface CopyMailboxResult {
  folders: number;
  messages: number;
  /** The folder everything went under, e.g. "Restored/2026-11-23". */
  root: string;
}

async function ensureFolder(store: MailStore, userId: UserId, name: string): Promise<void> {
  if (await store.getFolder(userId, name)) return;
  try {
    await store.createFolder(userId, name);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
}

/** A free "Restored/DATE" name: a second restore the same day goes to "Restored/DATE (2)". */
async function freeRoot(store: MailStore, userId: UserId, date: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? `Restored/${date}` : `Restored/${date} (${n})`;
    if (!(await store.getFolder(userId, name))) return name;
  }
}

export async function copyMailbox(options: {
  source: MailStore; sourceUser: UserId; target: MailStore; targetUser: UserId; now: Date;
}): Promise<CopyMailboxResult> {
  const { source, target } = options;
  const root = await freeRoot(target, options.targetUser, options.now.toISOString().slice(0, 10));
  let folders = 0;
  let messages = 0;
  for (const folder of await source.listFolders(options.sourceUser)) {
    const dest = `${root}/${folder.name}`;
    await ensureFolder(target, options.targetUser, dest);
    folders++;
    const uids = (await source.listMessageRefs(options.sourceUser, folder.name)).map((r) => r.uid);
    // In UID order, so the restored copies keep the original order.
    for (const uid of uids.sort((a, b) => a - b)) {
      const [message] = await source.getMessages(options.sourceUser, folder.name, [uid]);
      if (!message) continue;
      const tx = target.beginDelivery({ internalDate: message.internalDate });
      try {
        tx.addRecipient({ userId: options.targetUser, folder: dest, flags: message.flags });
        await tx.writeBody(source.openMessage(message.blobId));
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
      messages++;
    }
  }
  return { folders, messages, root };
}
