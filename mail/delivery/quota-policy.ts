// The quota decisions, pure: given what an account (or a domain) holds, its quota and the size
// of the incoming message (when known), is there room, and if not, is it worth retrying?
//
//   size unknown (RCPT without SIZE=)   used >= quota                -> full     (452 4.2.2)
//   size known (SIZE=, end of DATA)     size > quota                 -> too-big  (552 5.2.2)
//                                       used + size > quota          -> over     (452 4.2.2)
//
// "too-big" is permanent: the message alone is larger than the whole quota, so no amount of
// cleaning up makes room and a retry would only fail again for days. Everything else is
// temporary: the user can delete mail, the admin can raise the quota.

import type { CheckResult } from '../pipeline/contracts.js';
import { ACCEPT } from '../pipeline/contracts.js';

/** One quota that a delivery counts against: an account's or its domain's. */
export interface QuotaLedger {
  scope: 'user' | 'domain';
  /** The address or the domain name. */
  name: string;
  used: number;
  /** Bytes; null = unlimited. */
  quota: number | null;
}

export type QuotaVerdict =
  | { kind: 'fits' }
  | { kind: 'full' | 'over' | 'too-big'; ledger: QuotaLedger };

/** `incoming` null: the size is not known yet (RCPT TO without SIZE=). */
export function judgeLedger(ledger: QuotaLedger, incoming: number | null): QuotaVerdict {
  const { quota, used } = ledger;
  if (quota === null) return { kind: 'fits' };
  if (incoming === null || incoming <= 0) return used >= quota ? { kind: 'full', ledger } : { kind: 'fits' };
  if (incoming > quota) return { kind: 'too-big', ledger };
  if (used + incoming > quota) return { kind: 'over', ledger };
  return { kind: 'fits' };
}

/** The worst verdict over every ledger a recipient counts against: too-big, then full/over. */
export function judgeLedgers(ledgers: readonly QuotaLedger[], incoming: number | null): QuotaVerdict {
  let worst: QuotaVerdict = { kind: 'fits' };
  for (const ledger of ledgers) {
    const v = judgeLedger(ledger, incoming);
    if (v.kind === 'too-big') return v;
    if (v.kind !== 'fits' && worst.kind === 'fits') worst = v;
  }
  return worst;
}

/** The SMTP verdict for one recipient (`address` is the envelope address, for the reply text). */
export function quotaCheckResult(verdict: QuotaVerdict, address: string, incoming: number | null): CheckResult {
  if (verdict.kind === 'fits') return ACCEPT;
  const { ledger } = verdict;
  const whose = ledger.scope === 'user' ? `mailbox ${ledger.name}` : `domain ${ledger.name}`;
  const reason = `quota: ${whose} uses ${ledger.used} of ${ledger.quota} bytes${incoming ? `, message ${incoming} bytes` : ''}`;
  if (verdict.kind === 'too-big') {
    const what = ledger.scope === 'user' ? 'mailbox quota' : 'storage quota of its domain';
    return { action: 'reject', code: 552, enhanced: '5.2.2', message: `<${address}>: message is larger than the recipient's ${what}`, reason };
  }
  const text = ledger.scope === 'user' ? 'mailbox full, try again later' : 'mail storage of the domain is full, try again later';
  return { action: 'defer', code: 452, enhanced: '4.2.2', message: `<${address}>: ${text}`, reason };
}

/**
 * One reply for a whole message at the end of DATA (SMTP has one reply per message, not one per
 * recipient as LMTP has). Every recipient fits: accept. Otherwise the message is stored for no
 * one: 552 5.2.2 only when it is too big for every recipient (permanent for all of them), else
 * 452 4.2.2, so the sender keeps it and retries; a sender that declares SIZE= (Postfix, Exim,
 * Exchange all do) then gets per-recipient answers at RCPT TO and delivers to those with room.
 * Delivering to some recipients and bouncing for the others would need a bounce from us
 * (backscatter when the envelope sender is forged), and storing it over quota would make the
 * quota meaningless for the largest messages; a retry loses nothing.
 */
export function messageQuotaResult(perRecipient: readonly { address: string; verdict: QuotaVerdict }[], incoming: number): CheckResult {
  const refused = perRecipient.filter((r) => r.verdict.kind !== 'fits');
  if (refused.length === 0) return ACCEPT;
  const allTooBig = refused.length === perRecipient.length && refused.every((r) => r.verdict.kind === 'too-big');
  const chosen = allTooBig ? refused[0]! : refused.find((r) => r.verdict.kind !== 'too-big') ?? refused[0]!;
  const result = quotaCheckResult(chosen.verdict, chosen.address, incoming);
  if (allTooBig || result.action !== 'reject') return result;
  // Too big for one recipient but others have room: temporary for the message as a whole.
  return { action: 'defer', code: 452, enhanced: '4.2.2', message: `<${chosen.address}>: mailbox full, try again later`, reason: result.reason };
}

/** The warning level a usage reaches: 95, 80 or 0 (percent of the quota). */
export const WARNING_LEVELS = [95, 80] as const;

export function warningLevel(used: number, quota: number | null): number {
  if (quota === null || quota <= 0) return 0;
  for (const level of WARNING_LEVELS) if (used * 100 >= quota * level) return level;
  return 0;
}
