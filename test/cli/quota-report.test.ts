// The text of `mailroom quota report`: aligned columns, sizes like 1.2G, "unlimited" and "-"
// for accounts without a quota, the disk line with the reserve and the below-reserve warning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuotaReport } from '../../cli/commands/quota.js';
import type { QuotaReport } from '../../mail/delivery/quota-report.js';

const G = 1024 ** 3;

test('quota report text', () => {
  const report: QuotaReport = {
    users: [
      { address: 'alice@example.test', domain: 'example.test', used: 1.2 * G, quota: 2 * G, percent: 60, messages: 1234 },
      { address: 'bob@example.test', domain: 'example.test', used: 512, quota: null, percent: null, messages: 1 },
    ],
    domains: [{ name: 'example.test', used: 1.2 * G + 512, quota: 10 * G, percent: 12, users: 2, messages: 1235 }],
    disk: { path: '/var/lib/mailroom', free: 40 * G, total: 100 * G, reserve: 512 * 1024 ** 2, belowReserve: false },
  };
  assert.equal(formatQuotaReport(report), [
    'USER                USED      QUOTA   USE%  MESSAGES',
    'alice@example.test  1.2G         2G  60.0%      1234',
    'bob@example.test     512  unlimited      -         1',
    '',
    'DOMAIN        USED  QUOTA   USE%  USERS',
    'example.test  1.2G    10G  12.0%      2',
    '',
    'disk /var/lib/mailroom: 40G free of 100G, reserve 512M',
    '',
  ].join('\n'));
  const low = formatQuotaReport({ users: [], domains: [], disk: { ...report.disk!, free: 100, belowReserve: true } });
  assert.equal(low, 'no users\n\nno domains\n\ndisk /var/lib/mailroom: 100 free of 100G, reserve 512M (BELOW THE RESERVE: new mail is deferred)\n');
  assert.match(formatQuotaReport({ users: [], domains: [], disk: null }), /disk: free space unknown/);
});
