// What the MX's RCPT makes of a list address (mail/session/smtp/on-rcpt-to.ts calls it before
// the address is parsed: VERP addresses may be longer than 64 octets). A transaction with a list
// recipient has that one recipient only: any other recipient, before or after it, gets 452 4.5.3
// and the client sends it in a transaction of its own (RFC 5321 3.3), so a post's DATA (the
// list's verdict, refusal included) never decides for anybody else's copy.

import type { Logger } from '../../core/log.js';
import type { SmtpReply } from '../protocol/smtp/reply.js';
import type { ListRecipient, ListService } from './list-service.js';

export interface ListSessionDeps {
  lists?: ListService | null;
}

export function listsOf(deps: object): ListService | null {
  return (deps as ListSessionDeps).lists ?? null;
}

const byTransaction = new WeakMap<object, ListRecipient>();

/** The list recipient of this transaction, if it has one. */
export function listRecipientOf(transaction: object): ListRecipient | null {
  return byTransaction.get(transaction) ?? null;
}

export type ListRcpt = null | { kind: 'accept'; address: string } | { kind: 'refuse'; code: string; reply: SmtpReply };

const ALONE: SmtpReply = { code: 452, enhanced: '4.5.3', text: 'Too many recipients: a mailing list address takes a transaction of its own; send the others again separately' };

/**
 * null: not a list matter (the usual RCPT goes on). The caller throws a refusal's reply, or
 * records an accepted one in tx.recipients with no mailboxes.
 */
export async function planListRecipient(deps: object, tx: { from: string; recipients: Map<string, unknown> }, raw: string, log: Logger): Promise<ListRcpt> {
  const lists = listsOf(deps);
  if (!lists) return null;
  const current = byTransaction.get(tx);
  let found: ListRecipient | null;
  try {
    found = await lists.findRecipient(raw);
  } catch (err) {
    log.error('list lookup failed', { qid: null, rcpt: raw, err, outcome: 'deferred' });
    return { kind: 'refuse', code: 'list_lookup_failed', reply: { code: 451, enhanced: '4.3.0', text: 'Temporary failure, please try again later' } };
  }
  if (current) {
    if (found && found.address === current.address) return { kind: 'accept', address: current.address };
    log.info('recipient deferred', { qid: null, rcpt: raw, list: current.list.address, outcome: 'list-alone' });
    return { kind: 'refuse', code: 'list_alone', reply: ALONE };
  }
  if (!found) return null;
  if (tx.recipients.size > 0) {
    log.info('recipient deferred', { qid: null, rcpt: raw, list: found.list.address, outcome: 'list-alone' });
    return { kind: 'refuse', code: 'list_alone', reply: ALONE };
  }
  const decision = await lists.decideRecipient(found, tx.from);
  if (decision.kind === 'refuse') {
    log.info('recipient refused', { qid: null, rcpt: raw, list: found.list.address, role: found.role, outcome: decision.reason });
    return { kind: 'refuse', code: `list_${decision.reason.replace(/-/g, '_')}`, reply: decision.reply };
  }
  byTransaction.set(tx, found);
  return { kind: 'accept', address: found.address };
}
