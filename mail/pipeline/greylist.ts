// Greylisting at RCPT TO: the first time a (client network, envelope sender, recipient) triplet
// is seen it is deferred with 451 4.7.1; a real MTA retries, and a retry after `delaySeconds`
// (and before the pending entry expires) passes and is remembered, so later mail of the same
// triplet is never delayed again. Spam cannons rarely retry.
//
// Network, not address: senders with a farm of outbound hosts retry from another host of the same
// /24 (IPv4) or /64 (IPv6). Never greylisted: authenticated submissions, clients on a DNSWL
// (`isAllowListed`), and the pass-lists: client networks (CIDR), sender domains or addresses,
// recipient domains or addresses. Nothing else is exempt, loopback included.
//
// Expiry: a pending triplet not retried within `pendingTtlMs` (4 h) starts over; a passed one
// unused for `passedTtlMs` (36 days) is forgotten. The store sweeps both now and then (at most
// every `sweepIntervalMs`) from here, so there is no timer to stop.

import type { Logger } from '../../core/log.js';
import { normalizeAddress } from '../../core/address.js';
import type { GreylistStore, GreylistTriplet } from '../store/contracts.js';
import type { Check, CheckContext, CheckResult } from './contracts.js';
import { clientNetwork, NetworkList } from './greylist-network.js';

export interface GreylistOptions {
  store: GreylistStore;
  /** Seconds a new triplet must wait before a retry passes. */
  delaySeconds: number;
  /** CIDRs of clients never greylisted. */
  passNetworks?: readonly string[];
  /** Sender domains ("example.com") or addresses ("alerts@example.com") never greylisted. */
  passSenders?: readonly string[];
  /** Recipient domains or addresses never greylisted (postmaster@ is a common one). */
  passRecipients?: readonly string[];
  /** True when the client is on a DNS allow-list (DNSWL); absent: nobody is. */
  isAllowListed?: (ip: string) => Promise<boolean>;
  pendingTtlMs?: number;
  passedTtlMs?: number;
  sweepIntervalMs?: number;
  logger: Logger;
  now?: () => number;
}

export const GREYLIST_PENDING_TTL_MS = 4 * 3600_000;
export const GREYLIST_PASSED_TTL_MS = 36 * 24 * 3600_000;
/** A passed triplet's last use is written at most this often (one write per triplet, not per message). */
const TOUCH_INTERVAL_MS = 60_000;

/** Exact addresses and whole domains, lower-cased; "@example.com" and "example.com" both name a domain. */
export class AddressPassList {
  private readonly addresses = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const e = raw.trim().toLowerCase();
      if (!e) continue;
      if (e.startsWith('@')) this.domains.add(e.slice(1));
      else if (e.includes('@')) this.addresses.add(normalizeAddress(e) ?? e);
      else this.domains.add(e);
    }
  }

  has(address: string): boolean {
    const a = address.toLowerCase();
    if (this.addresses.has(a)) return true;
    const at = a.lastIndexOf('@');
    return at >= 0 && this.domains.has(a.slice(at + 1));
  }
}

export function createGreylistCheck(options: GreylistOptions): Check {
  const now = options.now ?? Date.now;
  const delayMs = options.delaySeconds * 1000;
  const pendingTtl = options.pendingTtlMs ?? GREYLIST_PENDING_TTL_MS;
  const passedTtl = options.passedTtlMs ?? GREYLIST_PASSED_TTL_MS;
  const sweepEvery = options.sweepIntervalMs ?? 10 * 60_000;
  const networks = new NetworkList(options.passNetworks ?? []);
  const senders = new AddressPassList(options.passSenders ?? []);
  const recipients = new AddressPassList(options.passRecipients ?? []);
  let lastSweep = 0;

  const sweep = async (t: number) => {
    if (t - lastSweep < sweepEvery) return;
    lastSweep = t;
    try {
      const removed = await options.store.expire(t - pendingTtl, t - passedTtl);
      if (removed > 0) options.logger.debug('greylist triplets expired', { removed, outcome: 'expired' });
    } catch (err) {
      options.logger.warn('greylist sweep failed', { err, outcome: 'error' });
    }
  };

  const exemption = async (ctx: CheckContext, recipient: string): Promise<string | null> => {
    if (ctx.authenticatedUser) return 'authenticated';
    if (networks.has(ctx.remoteAddress)) return 'client network pass-listed';
    if (ctx.mailFrom && senders.has(ctx.mailFrom)) return 'sender pass-listed';
    if (recipients.has(recipient)) return 'recipient pass-listed';
    if (options.isAllowListed && await options.isAllowListed(ctx.remoteAddress)) return 'client on a DNSWL';
    return null;
  };

  return {
    name: 'greylist',
    async rcptTo(ctx, recipient): Promise<CheckResult> {
      const skip = await exemption(ctx, recipient);
      if (skip) return { action: 'accept', reason: `greylist: skipped, ${skip}` };
      const t = now();
      await sweep(t);
      const triplet: GreylistTriplet = {
        network: clientNetwork(ctx.remoteAddress),
        // The null sender (bounces) is a sender like any other: "<>" keeps it apart from none.
        sender: ctx.mailFrom ? ctx.mailFrom.toLowerCase() : '<>',
        recipient: recipient.toLowerCase(),
      };
      const entry = await options.store.get(triplet);
      if (entry?.passedAt != null && t - entry.lastSeen <= passedTtl) {
        if (t - entry.lastSeen >= TOUCH_INTERVAL_MS) await options.store.put(triplet, { ...entry, lastSeen: t });
        return { action: 'accept', reason: 'greylist: known triplet' };
      }
      const fresh = !entry || entry.passedAt != null || t - entry.firstSeen > pendingTtl;
      if (fresh) {
        await options.store.put(triplet, { firstSeen: t, lastSeen: t, passedAt: null });
        return deferral(Math.ceil(delayMs / 1000), triplet, 'first seen');
      }
      const waited = t - entry.firstSeen;
      if (waited < delayMs) {
        await options.store.put(triplet, { ...entry, lastSeen: t });
        return deferral(Math.max(1, Math.ceil((delayMs - waited) / 1000)), triplet, 'retried too early');
      }
      await options.store.put(triplet, { firstSeen: entry.firstSeen, lastSeen: t, passedAt: t });
      options.logger.info('greylist passed', { cid: ctx.connectionId, qid: null, network: triplet.network, from: triplet.sender, rcpt: triplet.recipient, waitedMs: waited, outcome: 'passed' });
      return { action: 'accept', reason: 'greylist: retry passed' };
    },
  };
}

function deferral(seconds: number, t: GreylistTriplet, why: string): CheckResult {
  return {
    action: 'defer', code: 451, enhanced: '4.7.1',
    message: `Greylisted, try again in ${seconds} seconds`,
    reason: `greylist: ${why} (${t.network}, <${t.sender === '<>' ? '' : t.sender}>, <${t.recipient}>)`,
  };
}
