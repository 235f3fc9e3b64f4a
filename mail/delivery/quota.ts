// Mailbox and domain quotas at delivery: at RCPT TO (the size from SIZE= when the client declared
// one), at the end of DATA (the real size), and for IMAP APPEND. The decisions are in
// quota-policy.ts; this file reads what they need: each account's usage and quota, and its
// domain's quota and usage (the sum of the domain's accounts).
//
// A user at or over quota is deferred (452 4.2.2), so the sender keeps the message and retries
// once the user has made room; a message larger than the whole quota is refused (552 5.2.2).

import { NotFoundError } from '../../core/errors.js';
import type { CheckResult } from '../pipeline/contracts.js';
import type { Directory, MailStore, User } from '../store/contracts.js';
import { judgeLedgers, messageQuotaResult, quotaCheckResult, type QuotaLedger, type QuotaVerdict } from './quota-policy.js';

export type QuotaDirectory = Pick<Directory, 'getDomainQuota' | 'listUsers'>;

export interface QuotaOptions {
  /** Without it only the accounts' own quotas count (submission, until it passes one). */
  directory?: QuotaDirectory;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** Bytes and messages of every account of the domain together. */
export async function domainUsage(directory: Pick<Directory, 'listUsers'>, store: Pick<MailStore, 'usage'>, domain: string): Promise<{ bytes: number; messages: number }> {
  const users = await directory.listUsers(domain);
  let bytes = 0;
  let messages = 0;
  for (const u of users) {
    const usage = await store.usage(u.id);
    bytes += usage.bytes;
    messages += usage.messages;
  }
  return { bytes, messages };
}

/**
 * The quotas one account's delivery counts against: its own, then its domain's (only read when
 * the domain has a quota, so the common case costs one usage query).
 */
export async function quotaLedgers(store: Pick<MailStore, 'usage'>, user: User, options: QuotaOptions = {}): Promise<QuotaLedger[]> {
  const ledgers: QuotaLedger[] = [];
  if (user.quota !== null) ledgers.push({ scope: 'user', name: user.address, used: (await store.usage(user.id)).bytes, quota: user.quota });
  // A directory without domain quotas (an older backend, a test's fake) has none to enforce.
  if (typeof options.directory?.getDomainQuota === 'function') {
    const domain = domainOf(user.address);
    const quota = await options.directory.getDomainQuota(domain).catch((err: unknown) => {
      // The domain went away since the recipient resolved: its accounts with it.
      if (err instanceof NotFoundError) return null;
      throw err;
    });
    if (quota !== null) ledgers.push({ scope: 'domain', name: domain, used: (await domainUsage(options.directory, store, domain)).bytes, quota });
  }
  return ledgers;
}

/** The verdict for a delivery of `incoming` bytes (null: unknown yet) to one account. */
export async function judgeUser(store: Pick<MailStore, 'usage'>, user: User, incoming: number | null, options: QuotaOptions = {}): Promise<QuotaVerdict> {
  return judgeLedgers(await quotaLedgers(store, user, options), incoming);
}

/**
 * RCPT TO: the first of the recipient's mailboxes (an alias may have several) that has no room
 * decides. `incomingSize` is SIZE= of MAIL FROM when declared; 0 or absent means unknown.
 */
export async function checkQuota(store: Pick<MailStore, 'usage'>, users: readonly User[], address: string, incomingSize = 0, options: QuotaOptions = {}): Promise<CheckResult> {
  const incoming = incomingSize > 0 ? incomingSize : null;
  for (const user of users) {
    const verdict = await judgeUser(store, user, incoming, options);
    if (verdict.kind !== 'fits') return quotaCheckResult(verdict, address, incoming);
  }
  return quotaCheckResult({ kind: 'fits' }, address, incoming);
}

/** End of DATA: one verdict for the whole message over every mailbox it is for. */
export async function checkMessageQuota(store: Pick<MailStore, 'usage'>, users: readonly User[], size: number, options: QuotaOptions = {}): Promise<CheckResult> {
  const seen = new Set<string>();
  const perRecipient: { address: string; verdict: QuotaVerdict }[] = [];
  for (const user of users) {
    if (seen.has(user.id)) continue;
    seen.add(user.id);
    perRecipient.push({ address: user.address, verdict: await judgeUser(store, user, size, options) });
  }
  return messageQuotaResult(perRecipient, size);
}

/** End of DATA, inside the body stream: throws QuotaRefusal when the message does not fit. */
export async function refuseOverQuota(store: Pick<MailStore, 'usage'>, users: readonly User[], size: number, options: QuotaOptions = {}): Promise<void> {
  const result = await checkMessageQuota(store, users, size, options);
  if (result.action !== 'accept') throw new QuotaRefusal(result);
}

/** Thrown out of the body stream at the end of DATA when the message does not fit; nothing is stored. */
export class QuotaRefusal extends Error {
  readonly code = 'over_quota';
  constructor(readonly result: CheckResult) {
    super(`message refused by the quota: ${result.action}`);
  }
}

/** The SIZE= a client declared in MAIL FROM (RFC 1870), or 0. */
export function declaredSize(mailFrom: { args?: unknown } | false | undefined): number {
  const args = mailFrom ? mailFrom.args as Record<string, unknown> | false | undefined : undefined;
  const raw = args ? args.SIZE : undefined;
  const n = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}
