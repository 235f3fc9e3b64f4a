// Whether a vacation action may answer this message (RFC 5230 sections 4.5 and 4.6, RFC 3834):
// never the null sender, never automatic or bulk mail (Auto-Submitted other than "no", List-*
// fields, Precedence bulk/list/junk), never the usual robot senders, never ourselves, and only
// when one of the user's addresses is among the message's own recipients (To, Cc, Bcc and their
// Resent- forms), so a Bcc'd list copy or a spam run to a guessed address gets no answer. Pure.

import { parseAddressList } from '../mime/address-list.js';
import type { SieveMessageView } from './message-view.js';

export type VacationDecision = { reply: true; to: string } | { reply: false; reason: string };

const LIST_FIELDS = ['list-id', 'list-help', 'list-unsubscribe', 'list-subscribe', 'list-post', 'list-owner', 'list-archive'];
const RECIPIENT_FIELDS = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc'];
const ROBOT_LOCAL = /^(mailer-daemon|postmaster|listserv|majordomo|owner-.*|.*-request|.*-owner|no-?reply|.*-bounces?)$/i;

/**
 * `ownAddresses`: the account's address, the envelope recipient it came in by, and the script's
 * :addresses; all compared case-insensitively.
 */
export function vacationDecision(message: SieveMessageView, ownAddresses: readonly string[]): VacationDecision {
  const sender = message.envelope.from.trim();
  if (sender === '') return { reply: false, reason: 'null sender' };
  const values = (name: string) => message.headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const auto = values('auto-submitted');
  if (auto.some((v) => v.split(';')[0]!.trim().toLowerCase() !== 'no')) return { reply: false, reason: 'auto-submitted' };
  if (LIST_FIELDS.some((f) => values(f).length > 0)) return { reply: false, reason: 'mailing list' };
  if (values('precedence').some((v) => /^(bulk|list|junk)$/i.test(v.trim()))) return { reply: false, reason: 'bulk precedence' };
  const local = sender.slice(0, sender.lastIndexOf('@'));
  if (ROBOT_LOCAL.test(local)) return { reply: false, reason: 'robot sender' };
  const own = new Set(ownAddresses.map((a) => a.trim().toLowerCase()).filter((a) => a !== ''));
  if (own.has(sender.toLowerCase())) return { reply: false, reason: 'own address' };
  const named = RECIPIENT_FIELDS.flatMap(values).flatMap((v) => parseAddressList(v) ?? [])
    .filter((a) => a.mailbox !== null && a.host !== null)
    .map((a) => `${a.mailbox}@${a.host}`.toLowerCase());
  if (!named.some((a) => own.has(a))) return { reply: false, reason: 'not addressed to the user' };
  return { reply: true, to: sender };
}
