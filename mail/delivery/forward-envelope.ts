// What RCPT decided about forwarding, kept beside the session's transaction until DATA. Keyed
// by the transaction object itself (a WeakMap): RSET or a new MAIL FROM makes a new transaction,
// and the old one's forwards go with it.

import { mergeForwards, type RecipientForward } from './forward-plan.js';

const byTransaction = new WeakMap<object, Map<string, RecipientForward>>();

export function rememberForward(transaction: object, recipient: string, forward: RecipientForward): void {
  let map = byTransaction.get(transaction);
  if (!map) { map = new Map(); byTransaction.set(transaction, map); }
  // The same recipient twice (smtp-server answers 250 again) counts once.
  map.set(recipient.toLowerCase(), forward);
}

/** Every accepted recipient's forward as one, or null when no recipient forwards. */
export function forwardsOf(transaction: object): RecipientForward | null {
  const map = byTransaction.get(transaction);
  return map && map.size > 0 ? mergeForwards(map.values()) : null;
}
