import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { silentLogger } from '../../../core/log.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import { AddressPassList, createGreylistCheck, GREYLIST_PASSED_TTL_MS, GREYLIST_PENDING_TTL_MS, type GreylistOptions } from '../../../mail/pipeline/greylist.js';
import { openDatabase } from '../../../mail/store/sqlite/database.js';
import { SqliteGreylistStore } from '../../../mail/store/sqlite/greylist-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-greylist-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function setup(extra: Partial<GreylistOptions> = {}) {
  const file = path.join(dir, `g${++n}.db`);
  const db = openDatabase(file);
  const clock = { now: 1_000_000 };
  const options: GreylistOptions = { store: new SqliteGreylistStore(db), delaySeconds: 300, logger: silentLogger, now: () => clock.now, ...extra };
  return { db, file, clock, check: createGreylistCheck(options), options };
}

function ctx(over: Partial<CheckContext> = {}): CheckContext {
  return { connectionId: 'c1', remoteAddress: '192.0.2.10', remoteHostname: null, helo: 'mx.sender.example', tls: false, authenticatedUser: null, mailFrom: 'alice@sender.example', recipients: [], ...over };
}

test('greylist: first sight deferred 451 4.7.1, too-early retry deferred, retry after the delay passes and is remembered', async () => {
  const { check, clock, db } = setup();
  const first = await check.rcptTo!(ctx(), 'bob@ours.example');
  assert.equal(first.action, 'defer');
  assert.ok(first.action === 'defer' && first.code === 451 && first.enhanced === '4.7.1');
  assert.match((first as { message: string }).message, /^Greylisted, try again in 300 seconds$/);
  clock.now += 100_000;
  const early = await check.rcptTo!(ctx(), 'bob@ours.example');
  assert.equal(early.action, 'defer');
  assert.match((early as { message: string }).message, /try again in 200 seconds/);
  clock.now += 200_000;
  assert.equal((await check.rcptTo!(ctx(), 'bob@ours.example')).action, 'accept');
  // Another host of the same /24, a day later: still known.
  clock.now += 24 * 3600_000;
  assert.equal((await check.rcptTo!(ctx({ remoteAddress: '192.0.2.200' }), 'BOB@ours.example')).action, 'accept');
  // Another sender, recipient or network is a new triplet.
  assert.equal((await check.rcptTo!(ctx({ mailFrom: 'eve@sender.example' }), 'bob@ours.example')).action, 'defer');
  assert.equal((await check.rcptTo!(ctx(), 'carol@ours.example')).action, 'defer');
  assert.equal((await check.rcptTo!(ctx({ remoteAddress: '192.0.3.10' }), 'bob@ours.example')).action, 'defer');
  assert.equal((await check.rcptTo!(ctx({ mailFrom: '' }), 'bob@ours.example')).action, 'defer', 'the null sender is a sender of its own');
  db.close();
});

test('greylist: triplets survive a reopen of the database (a restart)', async () => {
  const a = setup();
  await a.check.rcptTo!(ctx(), 'bob@ours.example');
  a.clock.now += 301_000;
  assert.equal((await a.check.rcptTo!(ctx(), 'bob@ours.example')).action, 'accept');
  a.db.close();
  const db = openDatabase(a.file);
  const again = createGreylistCheck({ ...a.options, store: new SqliteGreylistStore(db) });
  assert.equal((await again.rcptTo!(ctx(), 'bob@ours.example')).action, 'accept');
  db.close();
});

test('greylist: pending triplets expire unretried, passed ones after long disuse', async () => {
  const { check, clock, db } = setup({ sweepIntervalMs: 0 });
  await check.rcptTo!(ctx(), 'bob@ours.example');
  clock.now += GREYLIST_PENDING_TTL_MS + 1000;
  const late = await check.rcptTo!(ctx(), 'bob@ours.example');
  assert.equal(late.action, 'defer', 'a retry after the pending entry expired starts over');
  clock.now += 301_000;
  assert.equal((await check.rcptTo!(ctx(), 'bob@ours.example')).action, 'accept');
  clock.now += GREYLIST_PASSED_TTL_MS + 1000;
  assert.equal((await check.rcptTo!(ctx(), 'bob@ours.example')).action, 'defer', 'forgotten after 36 days unused');
  const rows = db.prepare('SELECT COUNT(*) AS n FROM greylist_triplets').get() as { n: number };
  assert.equal(rows.n, 1, 'the sweep removed the expired row; only the new pending one is left');
  db.close();
});

test('greylist: exemptions (authenticated, pass-lists, DNSWL); loopback is not exempt by default', async () => {
  const { check, db } = setup({
    passNetworks: ['198.51.100.0/24', '2001:db8::/32'],
    passSenders: ['trusted.example', 'alerts@monitor.example'],
    passRecipients: ['postmaster@ours.example', '@open.example'],
    isAllowListed: (ip) => Promise.resolve(ip === '203.0.113.5'),
  });
  const accepted: [Partial<CheckContext>, string][] = [
    [{ authenticatedUser: 'me@ours.example' }, 'bob@ours.example'],
    [{ remoteAddress: '198.51.100.77' }, 'bob@ours.example'],
    [{ remoteAddress: '2001:db8:5::1' }, 'bob@ours.example'],
    [{ mailFrom: 'x@trusted.example' }, 'bob@ours.example'],
    [{ mailFrom: 'alerts@monitor.example' }, 'bob@ours.example'],
    [{}, 'postmaster@ours.example'],
    [{}, 'anyone@open.example'],
    [{ remoteAddress: '203.0.113.5' }, 'bob@ours.example'],
  ];
  for (const [over, rcpt] of accepted) assert.equal((await check.rcptTo!(ctx(over), rcpt)).action, 'accept', JSON.stringify(over) + rcpt);
  const deferred: [Partial<CheckContext>, string][] = [
    [{ remoteAddress: '127.0.0.1' }, 'bob@ours.example'],
    [{ mailFrom: 'other@monitor.example' }, 'bob@ours.example'],
    [{ mailFrom: 'x@sub.trusted.example' }, 'bob@ours.example'],
  ];
  for (const [over, rcpt] of deferred) assert.equal((await check.rcptTo!(ctx(over), rcpt)).action, 'defer', JSON.stringify(over) + rcpt);
  db.close();
});

test('AddressPassList: addresses and domains, case-insensitive', () => {
  const l = new AddressPassList(['A@Example.com', 'other.example', '@third.example', ' ']);
  assert.equal(l.has('a@example.com'), true);
  assert.equal(l.has('b@example.com'), false);
  assert.equal(l.has('x@OTHER.example'), true);
  assert.equal(l.has('x@third.example'), true);
  assert.equal(l.has('third.example'), false);
});
