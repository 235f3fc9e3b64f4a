// The glue between a finished SMTP transaction and the store: the accepted recipients become
// one DeliveryTransaction (each mailbox once, however many addresses or aliases led to it),
// the body streams in once, and commit() decides. Anything that fails aborts the whole
// transaction, so a message reaches all of its recipients or none.

import type { DeliveryReceipt, DeliveryTarget, DeliveryTransaction, MailStore, User, UserId } from '../store/contracts.js';

export interface LocalDeliveryOptions {
  /** Where every mailbox without its own `targets` entry files the message (default INBOX). */
  folder?: string;
  /**
   * Per mailbox (Sieve): the folders and flags it gets, one copy per folder. An empty list files
   * nothing for that mailbox (discard, redirect); a mailbox left out gets `folder`. Extra
   * mailboxes (a Sieve redirect to a local user) may be named too. When no mailbox gets a copy
   * the transaction is aborted and the receipt lists no copies (`blobId` is then '').
   */
  targets?: ReadonlyMap<UserId, readonly Omit<DeliveryTarget, 'userId'>[]>;
}

export interface LocalDelivery {
  /** The queue id: in the Received header, the 250 reply and the logs. */
  readonly id: string;
  /**
   * Streams the body, commits; aborts and rethrows on any failure. Call once. `folder` (default
   * INBOX) is where every mailbox files it: the MX decides it only after verifying the message
   * (DMARC p=quarantine goes to Junk), so recipients are added here, not at begin.
   */
  deliver(body: AsyncIterable<Buffer | string>, options?: LocalDeliveryOptions): Promise<DeliveryReceipt>;
  /** Gives up before deliver() (or after it failed); safe to call more than once. */
  abort(): Promise<void>;
}

/** Unique mailboxes, in first-seen order. */
export function uniqueMailboxes(users: Iterable<User>): User[] {
  const seen = new Map<string, User>();
  for (const u of users) if (!seen.has(u.id)) seen.set(u.id, u);
  return [...seen.values()];
}

export function beginLocalDelivery(store: MailStore, users: Iterable<User>, options: { internalDate?: Date } = {}): LocalDelivery {
  const mailboxes = uniqueMailboxes(users);
  if (mailboxes.length === 0) throw new RangeError('a local delivery needs at least one mailbox');
  const tx: DeliveryTransaction = store.beginDelivery(options.internalDate ? { internalDate: options.internalDate } : {});
  let settled: 'open' | 'committed' | 'aborted' = 'open';
  let aborting: Promise<void> | null = null;

  const abort = (): Promise<void> => {
    if (settled === 'committed') return Promise.resolve();
    settled = 'aborted';
    aborting ??= tx.abort().catch(() => undefined);
    return aborting;
  };

  return {
    id: tx.id,
    async deliver(body, deliverOptions = {}) {
      if (settled !== 'open') throw new Error(`delivery ${tx.id} is already ${settled}`);
      try {
        const folder = deliverOptions.folder;
        const targets = deliverOptions.targets;
        let copies = 0;
        for (const user of mailboxes) {
          const own = targets?.get(user.id);
          if (own) continue;
          tx.addRecipient(folder ? { userId: user.id, folder } : { userId: user.id });
          copies++;
        }
        for (const [userId, list] of targets ?? []) {
          for (const t of list) { tx.addRecipient({ ...t, userId }); copies++; }
        }
        if (copies === 0) {
          // Every mailbox's script discarded or redirected the message: nothing to store.
          await abort();
          settled = 'committed';
          return { id: tx.id, size: 0, blobId: '', delivered: [] };
        }
        await tx.writeBody(body);
        const receipt = await tx.commit();
        settled = 'committed';
        return receipt;
      } catch (err) {
        await abort();
        throw err;
      }
    },
    abort,
  };
}
