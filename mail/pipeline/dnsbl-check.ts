// DNSBL and DNSWL at connect (dnsbl.zones, dnswl.zones). A client on an allow-list (DNSWL) is
// not looked up on the block-lists (and greylisting skips it, through isAllowListed). A client
// on a block-list whose action is "reject" (the default) is refused with 554 5.7.1 naming the
// zone, so its admin knows where to ask for removal; "log" only notes the listing, for trying a
// list out before trusting it. A list that fails (timeout, SERVFAIL, a refusal answer) is
// skipped with a warning: a broken list must not stop mail.

import type { Logger } from '../../core/log.js';
import type { Check, CheckResult } from './contracts.js';
import type { DnsListClient } from './dnsbl.js';

export interface BlockListZone {
  zone: string;
  action: 'reject' | 'log';
}

export interface DnsblCheckOptions {
  client: DnsListClient;
  blockLists: readonly BlockListZone[];
  allowLists: readonly string[];
  logger: Logger;
}

export interface DnsblCheck extends Check {
  /** The client is on one of the allow-lists (false when none is configured). */
  isAllowListed(ip: string): Promise<boolean>;
}

/** `dnsbl.zones` entries: "zen.example" or { zone, action }. */
export function blockListZones(entries: readonly (string | { zone: string; action?: 'reject' | 'log' })[]): BlockListZone[] {
  return entries.map((e) => (typeof e === 'string' ? { zone: e, action: 'reject' } : { zone: e.zone, action: e.action ?? 'reject' }));
}

export function createDnsblCheck(options: DnsblCheckOptions): DnsblCheck {
  const { client, logger } = options;

  const allowListedOn = async (ip: string, cid: string | null): Promise<string | null> => {
    const answers = await Promise.all(options.allowLists.map(async (zone) => ({ zone, answer: await client.lookup(ip, zone) })));
    for (const { zone, answer } of answers) {
      if (answer.status === 'listed') return zone;
      if (answer.status === 'error') logger.warn('DNSWL lookup failed, not counted', { cid, qid: null, remote: ip, zone, error: answer.error, outcome: 'dns-error' });
    }
    return null;
  };

  return {
    name: 'dnsbl',
    async isAllowListed(ip) {
      if (options.allowLists.length === 0) return false;
      return (await allowListedOn(ip, null)) !== null;
    },
    async connect(ctx): Promise<CheckResult> {
      const ip = ctx.remoteAddress;
      const allowed = await allowListedOn(ip, ctx.connectionId);
      if (allowed) return { action: 'accept', reason: `dnswl: listed on ${allowed}` };
      const answers = await Promise.all(options.blockLists.map(async (list) => ({ list, answer: await client.lookup(ip, list.zone) })));
      for (const { list, answer } of answers) {
        if (answer.status === 'error') {
          logger.warn('DNSBL lookup failed, client accepted', { cid: ctx.connectionId, qid: null, remote: ip, zone: list.zone, error: answer.error, outcome: 'dns-error' });
          continue;
        }
        if (answer.status !== 'listed') continue;
        if (list.action === 'log') {
          logger.info('client listed on a DNSBL (log only)', { cid: ctx.connectionId, qid: null, remote: ip, zone: list.zone, answer: answer.answer, outcome: 'listed' });
          continue;
        }
        return {
          action: 'reject', code: 554, enhanced: '5.7.1',
          message: `Service unavailable; client [${ip}] blocked using ${list.zone}`,
          reason: `dnsbl: ${list.zone} answered ${answer.answer}`,
        };
      }
      return { action: 'accept' };
    },
  };
}
