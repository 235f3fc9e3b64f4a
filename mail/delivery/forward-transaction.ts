// The opening both forwarding hand-offs share (the MX's forward-delivery.ts and submission's
// forward-submission.ts): which mailboxes get the message whatever happens to the forward, which
// get it only when it is not forwarded (spam, a loop), one store transaction for them all (none
// when there is no mailbox), and a one-way state so the body is written once and an abort after
// the end is a no-op.

import type { DeliveryTransaction, MailStore, User } from '../store/contracts.js';
import type { RecipientForward } from './forward-plan.js';
import { uniqueMailboxes } from './local-delivery.js';

export interface ForwardTransaction {
  /** Mailboxes of the recipients that keep a copy in any case. */
  readonly local: readonly User[];
  /** Mailboxes that get the message only when it is not forwarded (never one of `local`). */
  readonly fallback: readonly User[];
  /** The store transaction, or null when no mailbox could get the message. */
  readonly tx: DeliveryTransaction | null;
  /** The transaction's id, or `newId()` without one: the queue id the logs carry. */
  readonly id: string;
  /** Throws unless the body has not been handed over yet; `what` names it in the error. */
  assertOpen(what: string): void;
  /** The hand-off is complete; a later abort does nothing. */
  done(): void;
  /** Aborts the store transaction once, if still open; never throws. */
  abort(): Promise<void>;
}

export function openForwardTransaction(mailStore: Pick<MailStore, 'beginDelivery'>, users: readonly User[], plan: RecipientForward, newId: () => string): ForwardTransaction {
  const local = uniqueMailboxes([...users, ...plan.users]);
  const localIds = new Set(local.map((u) => u.id));
  const fallback = uniqueMailboxes(plan.fallbackUsers).filter((u) => !localIds.has(u.id));
  const tx = local.length > 0 || fallback.length > 0 ? mailStore.beginDelivery() : null;
  const id = tx?.id ?? newId();
  let state: 'open' | 'done' | 'aborted' = 'open';
  return {
    local, fallback, tx, id,
    assertOpen(what) {
      if (state !== 'open') throw new Error(`${what} ${id} is already ${state}`);
    },
    done() { state = 'done'; },
    async abort() {
      if (state !== 'open') return;
      state = 'aborted';
      await tx?.abort().catch(() => undefined);
    },
  };
}
