// Quotas against a real SQLite directory and mail store in a temp dir: domain quotas (set, read,
// refused for unknown domains, counted over the domain's accounts), RCPT and end-of-DATA checks,
// the warning mail once per crossing of 80% and 95% (and again after usage fell), and the report.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../core/log.js';
import { MailroomError } from '../../../core/errors.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import type { User } from '../../../mail/store/contracts.js';
import { beginLocalDelivery } from '../../../mail/delivery/local-delivery.js';
import { checkMessageQuota, checkQuota, declaredSize, domainUsage } from '../../../mail/delivery/quota.js';
import { warnIfCrossed } from '../../../mail/delivery/quota-warnings.js';
import { buildQuotaReport } from '../../../mail/delivery/quota-report.js';
import { openStoreFixture, readAll, type StoreFixture } from '../store/store-fixture.js';

const PASSWORD = 'correct horse battery staple';
const FAST = { ln: 10, r: 8, p: 1 };

async function* once(b: Buffer): AsyncGenerator<Buffer> { yield b; }

describe('quotas on a real store', () => {
  let fx: StoreFixture;
  let dir: SqliteDirectory;
  let alice: User;
  let bob: User;
  let carol: User;

  const put = async (user: User, bytes: number) => {
    const body = Buffer.from(`Subject: filler\r\n\r\n${'x'.repeat(Math.max(0, bytes - 21))}\r\n`);
    await beginLocalDelivery(fx.store, [user]).deliver(once(body));
  };
  const code = (r: Awaited<ReturnType<typeof checkQuota>>) => ('code' in r ? `${r.code} ${r.enhanced}` : r.action);

  before(async () => {
    fx = await openStoreFixture();
    dir = new SqliteDirectory({ db: fx.db, mailStore: fx.store, logger: silentLogger, passwordParams: FAST });
    await dir.addDomain('a.test');
    await dir.addDomain('b.test');
    alice = await dir.addUser('alice@a.test', PASSWORD, { quota: 10_000 });
    bob = await dir.addUser('bob@a.test', PASSWORD);
    carol = await dir.addUser('carol@b.test', PASSWORD, { quota: 1_000_000 });
  });
  after(async () => { await fx.cleanup(); });

  it('domain quota: set, read, none, unknown domain refused', async () => {
    assert.equal(await dir.getDomainQuota('a.test'), null);
    await dir.setDomainQuota('A.TEST', 50_000);
    assert.equal(await dir.getDomainQuota('a.test'), 50_000);
    await assert.rejects(dir.setDomainQuota('nope.test', 1), (e: MailroomError) => e.code === 'unknown_domain');
    await assert.rejects(dir.getDomainQuota('nope.test'), (e: MailroomError) => e.code === 'unknown_domain');
    await assert.rejects(dir.setDomainQuota('a.test', -1), (e: MailroomError) => e.code === 'invalid_quota');
    await dir.setDomainQuota('a.test', null);
    assert.equal(await dir.getDomainQuota('a.test'), null);
  });

  it('RCPT and end of DATA: the account and the domain', async () => {
    const opts = { directory: dir };
    await put(alice, 6_000);
    assert.equal(code(await checkQuota(fx.store, [alice], 'alice@a.test', 0, opts)), 'accept');
    assert.equal(code(await checkQuota(fx.store, [alice], 'alice@a.test', 5_000, opts)), '452 4.2.2');
    assert.equal(code(await checkQuota(fx.store, [alice], 'alice@a.test', 20_000, opts)), '552 5.2.2');
    assert.equal(code(await checkMessageQuota(fx.store, [alice], 3_000, opts)), 'accept');
    assert.equal(code(await checkMessageQuota(fx.store, [alice], 5_000, opts)), '452 4.2.2');
    assert.equal(code(await checkMessageQuota(fx.store, [alice], 20_000, opts)), '552 5.2.2');
    // bob has no quota of his own; the domain's counts alice's mail too.
    await dir.setDomainQuota('a.test', 8_000);
    await put(bob, 2_500);
    assert.ok((await domainUsage(dir, fx.store, 'a.test')).bytes >= 8_000);
    const full = await checkQuota(fx.store, [bob], 'bob@a.test', 0, opts);
    assert.equal(code(full), '452 4.2.2');
    assert.match('message' in full ? full.message : '', /domain is full/);
    // Without the directory (submission today) only the account's own quota counts.
    assert.equal(code(await checkQuota(fx.store, [bob], 'bob@a.test')), 'accept');
    // Another domain is not affected.
    assert.equal(code(await checkQuota(fx.store, [carol], 'carol@b.test', 0, opts)), 'accept');
    // Two recipients, one with room: the whole message is deferred (SMTP has one reply at DATA).
    assert.equal(code(await checkMessageQuota(fx.store, [carol, bob], 100, opts)), '452 4.2.2');
    await dir.setDomainQuota('a.test', null);
    assert.equal(code(await checkMessageQuota(fx.store, [carol, bob], 100, opts)), 'accept');
  });

  it('warnings: once at 80%, once at 95%, again after usage fell below', async () => {
    const deps = { directory: dir, mailStore: fx.store, hostname: 'mx.a.test', logger: silentLogger };
    const dave = await dir.addUser('dave@b.test', PASSWORD, { quota: 100_000 });
    const inbox = async () => (await fx.store.listMessages(dave.id, 'INBOX')).filter((m) => (m.subject ?? '').includes('% full'));
    await put(dave, 50_000);
    assert.equal(await warnIfCrossed(deps, dave), null);
    await put(dave, 32_000);
    assert.equal(await warnIfCrossed(deps, dave), 80);
    assert.equal(await warnIfCrossed(deps, dave), null, 'not twice for the same crossing');
    await put(dave, 1_000);
    assert.equal(await warnIfCrossed(deps, dave), null);
    await put(dave, 13_000);
    assert.equal(await warnIfCrossed(deps, dave), 95);
    assert.equal(await warnIfCrossed(deps, dave), null);
    const warnings = await inbox();
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!.subject!, /80% full \/ Hộp thư của bạn đã đầy 80%/);
    assert.match(warnings[1]!.subject!, /95% full/);
    const raw = (await readAll(fx.store.openMessage((await fx.store.getMessage(dave.id, 'INBOX', warnings[0]!.uid))!.blobId))).toString('utf8');
    assert.match(raw, /^Return-Path: <>\r\nFrom: Postmaster <postmaster@b\.test>\r\nTo: <dave@b\.test>\r\n/);
    assert.match(raw, /Auto-Submitted: auto-generated/);
    const text = Buffer.from(raw.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
    assert.match(text, /Your mailbox dave@b\.test is 8\d% full: [\d.]+K of 97\.7K used \(\d+ messages\)/);
    assert.match(text, /Hộp thư dave@b\.test của bạn đã dùng 8\d% dung lượng/);
    // The user cleans up: the level falls back, and the next crossing warns again.
    const all = await fx.store.listMessages(dave.id, 'INBOX');
    await fx.store.expunge(dave.id, 'INBOX', all.map((m) => m.uid));
    await put(dave, 10_000);
    assert.equal(await warnIfCrossed(deps, dave), null);
    await put(dave, 75_000);
    assert.equal(await warnIfCrossed(deps, dave), 80);
    assert.equal((await inbox()).length, 1);
  });

  it('the report: users, domains (sum of their users), disk', async () => {
    await dir.setDomainQuota('b.test', 2_000_000);
    const report = await buildQuotaReport({
      directory: dir, mailStore: fx.store,
      disk: { path: '/data', reserve: 100, stat: async () => ({ free: 50, total: 1000 }) },
    });
    assert.deepEqual(report.users.map((u) => u.address), ['alice@a.test', 'bob@a.test', 'carol@b.test', 'dave@b.test']);
    const a = report.users[0]!;
    assert.equal(a.quota, 10_000);
    assert.equal(a.percent, Math.floor((a.used * 1000) / 10_000) / 10);
    assert.equal(report.users[1]!.percent, null);
    const b = report.domains.find((d) => d.name === 'b.test')!;
    assert.equal(b.used, report.users.filter((u) => u.domain === 'b.test').reduce((n, u) => n + u.used, 0));
    assert.equal(b.quota, 2_000_000);
    assert.equal(b.users, 2);
    assert.equal(report.domains.find((d) => d.name === 'a.test')!.quota, null);
    assert.deepEqual(report.disk, { path: '/data', free: 50, total: 1000, reserve: 100, belowReserve: true });
    const failing = await buildQuotaReport({ directory: dir, mailStore: fx.store, disk: { reserve: 1, stat: async () => { throw new Error('EIO'); } } });
    assert.equal(failing.disk, null);
  });

  it('declaredSize reads SIZE= of MAIL FROM', () => {
    assert.equal(declaredSize({ args: { SIZE: '12345' } }), 12345);
    assert.equal(declaredSize({ args: { BODY: '8BITMIME' } }), 0);
    assert.equal(declaredSize({ args: false }), 0);
    assert.equal(declaredSize(false), 0);
    assert.equal(declaredSize({ args: { SIZE: '99999999999999999999' } }), 0);
  });
});
