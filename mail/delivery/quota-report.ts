// `mailroom quota report` and the panel's quota page: every account's usage against its quota,
// every domain's (the sum of its accounts) against the domain's, and the data directory's free
// space against limits.diskReserve. Built here once for the CLI and the control API, so both show
// the same numbers in the same shape.
//
// The JSON shape is stable (README, "Quotas"): sizes in bytes, percent with one decimal (null
// when unlimited), users and domains sorted by name.

import type { Directory, MailStore } from '../store/contracts.js';

export interface QuotaReportUser {
  address: string;
  domain: string;
  used: number;
  quota: number | null;
  percent: number | null;
  messages: number;
}

export interface QuotaReportDomain {
  name: string;
  used: number;
  quota: number | null;
  percent: number | null;
  users: number;
  messages: number;
}

export interface QuotaReportDisk {
  /** The data directory. */
  path: string;
  free: number;
  total: number;
  /** limits.diskReserve: below this much free space new mail is deferred. */
  reserve: number;
  belowReserve: boolean;
}

export interface QuotaReport {
  users: QuotaReportUser[];
  domains: QuotaReportDomain[];
  /** null when the space could not be read. */
  disk: QuotaReportDisk | null;
}

/** Where the report reads the data directory's space (statfs in the composition roots). */
export interface DiskSpaceSource {
  reserve: number;
  stat(): Promise<{ free: number; total: number }>;
  /** For the report; default "". */
  path?: string;
}

export function percentOf(used: number, quota: number | null): number | null {
  if (quota === null) return null;
  if (quota <= 0) return used > 0 ? 100 : 0;
  return Math.floor((used * 1000) / quota) / 10;
}

export async function buildQuotaReport(deps: {
  directory: Pick<Directory, 'listDomains' | 'listUsers' | 'getDomainQuota'>;
  mailStore: Pick<MailStore, 'usage'>;
  disk?: DiskSpaceSource | null;
}): Promise<QuotaReport> {
  const users: QuotaReportUser[] = [];
  const domains: QuotaReportDomain[] = [];
  for (const d of await deps.directory.listDomains()) {
    const quota = await deps.directory.getDomainQuota(d.name);
    let used = 0;
    let messages = 0;
    const accounts = await deps.directory.listUsers(d.name);
    for (const u of accounts) {
      const usage = await deps.mailStore.usage(u.id);
      used += usage.bytes;
      messages += usage.messages;
      users.push({ address: u.address, domain: d.name, used: usage.bytes, quota: u.quota, percent: percentOf(usage.bytes, u.quota), messages: usage.messages });
    }
    domains.push({ name: d.name, used, quota, percent: percentOf(used, quota), users: accounts.length, messages });
  }
  users.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { users, domains, disk: deps.disk ? await diskOf(deps.disk) : null };
}

async function diskOf(source: DiskSpaceSource): Promise<QuotaReportDisk | null> {
  try {
    const { free, total } = await source.stat();
    return { path: source.path ?? '', free, total, reserve: source.reserve, belowReserve: free < source.reserve };
  } catch {
    return null;
  }
}
