// `mailroom quota report [--json]`: every account's and every domain's usage against its quota,
// and the data directory's free space against limits.diskReserve. Read from the database
// directly, like the other directory commands, so it works while the daemon is stopped.

import { statfs } from 'node:fs/promises';
import { checkShape, commandGroup } from '../command-input.js';
import { withServices } from '../services.js';
import { formatSize } from '../../core/size.js';
import { buildQuotaReport, type QuotaReport } from '../../mail/delivery/quota-report.js';

function showQuota(quota: number | null): string {
  return quota === null ? 'unlimited' : formatSize(quota);
}

function showPercent(percent: number | null): string {
  return percent === null ? '-' : `${percent.toFixed(1)}%`;
}

/** Left-aligned first column, right-aligned numbers, two spaces between. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function formatQuotaReport(report: QuotaReport): string {
  let out = '';
  out += report.users.length === 0
    ? 'no users\n'
    : table(['USER', 'USED', 'QUOTA', 'USE%', 'MESSAGES'], report.users.map((u) => [u.address, formatSize(u.used), showQuota(u.quota), showPercent(u.percent), String(u.messages)]));
  out += '\n';
  out += report.domains.length === 0
    ? 'no domains\n'
    : table(['DOMAIN', 'USED', 'QUOTA', 'USE%', 'USERS'], report.domains.map((d) => [d.name, formatSize(d.used), showQuota(d.quota), showPercent(d.percent), String(d.users)]));
  out += '\n';
  const disk = report.disk;
  out += disk
    ? `disk ${disk.path}: ${formatSize(disk.free)} free of ${formatSize(disk.total)}, reserve ${formatSize(disk.reserve)}${disk.belowReserve ? ' (BELOW THE RESERVE: new mail is deferred)' : ''}\n`
    : 'disk: free space unknown\n';
  return out;
}

export const quotaCommand = commandGroup('quota', {
  async report(args, words) {
    checkShape(args, words, { usage: 'quota report [--json]', positional: [0, 0], switches: ['json'] });
    const report = await withServices(args.dataDir, (s) => buildQuotaReport({
      directory: s.directory,
      mailStore: s.mailStore,
      disk: {
        path: s.config.dataDir,
        reserve: s.config.limits.diskReserve,
        async stat() {
          const st = await statfs(s.config.dataDir);
          return { free: Number(st.bavail) * Number(st.bsize), total: Number(st.blocks) * Number(st.bsize) };
        },
      },
    }));
    process.stdout.write(args.flags.json ? JSON.stringify(report) + '\n' : formatQuotaReport(report));
    return 0;
  },
});
