// Quotas end to end: a real `mailroom serve`, quotas set with the real CLI, raw SMTP on loopback
// and imapflow over IMAPS. 452 4.2.2 at RCPT TO for a full mailbox (and only for that recipient),
// 552 5.2.2 for a message larger than the whole quota (at DATA, and at RCPT with SIZE=), 452 at
// DATA for one that does not fit now, the domain quota, the warning mails at 80% and 95% (each
// once), APPEND NO [OVERQUOTA], GETQUOTAROOT, and `mailroom quota report` in text and JSON.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { ControlClient, type ControlError } from '../../mail/control/control-client.js';
import { CONTROL_SOCKET } from '../../mail/control/control-protocol.js';
import { MailroomInstance, TEST_PASSWORD, buildMessage, rawDeliver, uniqueToken, waitFor, withTimeout } from './harness.js';

const ALICE = 'alice@e2e.test';
const BOB = 'bob@e2e.test';
const CAROL = 'carol@other.test';
const DAN = 'dan@other.test';

/** A message of about `bytes` bytes (headers included). */
function sized(to: string, subject: string, bytes: number): string {
  const head = buildMessage({ from: 'sender@remote.test', to, subject, body: '' });
  const lines: string[] = [];
  let left = Math.max(0, bytes - head.length);
  while (left > 0) {
    const n = Math.min(76, Math.max(1, left - 2));
    lines.push('y'.repeat(n));
    left -= n + 2;
  }
  return buildMessage({ from: 'sender@remote.test', to, subject, body: lines.join('\r\n') });
}

const replyOf = (r: { code: number; enhanced: string | null } | null) => (r ? `${r.code} ${r.enhanced}` : 'none');

describe('quotas over SMTP, IMAP and the CLI', () => {
  let inst: MailroomInstance;
  const clients: ImapFlow[] = [];

  const send = (to: string[], message: string, mailParams?: string) =>
    rawDeliver(inst.port, { from: 'sender@remote.test', to, message, ...(mailParams ? { mailParams } : {}), timeoutMs: 30_000 });
  const warnings = async (address: string) => (await inst.mailLs(address)).filter((m) => /% full \//.test(m.subject ?? ''));
  const imap = async (user: string) => {
    const c = new ImapFlow({
      host: '127.0.0.1', port: inst.imapsPort, secure: true, auth: { user, pass: TEST_PASSWORD },
      tls: { rejectUnauthorized: false }, logger: false, connectionTimeout: 20_000, greetingTimeout: 20_000,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    c.on('error', () => { /* surfaced by the failing call */ });
    clients.push(c);
    await withTimeout(c.connect(), 30_000, 'imapflow connect');
    return c;
  };

  before(async () => {
    inst = await MailroomInstance.start({
      domains: ['e2e.test', 'other.test'], users: [ALICE, BOB, CAROL, DAN], imap: true,
      // No DNS in the test: verification would only add waiting.
      editConfig: (cfg) => { cfg.inbound = { verify: false }; },
    });
    await inst.cli(['user', 'quota', ALICE, '200K']);
  });
  after(async () => {
    for (const c of clients) await c.logout().catch(() => c.close());
    await inst?.cleanup();
  });

  it('a message larger than the whole quota: 552 5.2.2 at DATA, and at RCPT TO with SIZE=', async () => {
    const big = sized(ALICE, uniqueToken('big'), 300_000);
    const r = await send([ALICE], big);
    assert.equal(replyOf(r.rcpts[0]!), '250 2.1.5');
    assert.equal(replyOf(r.final), '552 5.2.2', inst.tail());
    const sizeDeclared = await send([ALICE], big, `SIZE=${big.length}`);
    assert.equal(replyOf(sizeDeclared.rcpts[0]!), '552 5.2.2');
    assert.equal((await inst.mailLs(ALICE)).length, 0, 'nothing stored');
  });

  it('warning mails: once when crossing 80%, once when crossing 95%', async () => {
    const quota = 200 * 1024;
    const first = await send([ALICE], sized(ALICE, uniqueToken('fill'), Math.floor(quota * 0.83)));
    assert.ok(first.ok, replyOf(first.final));
    const w80 = await waitFor(async () => { const w = await warnings(ALICE); return w.length === 1 ? w : null; }, 30_000, 'the 80% warning');
    assert.match(w80[0]!.subject!, /^Your mailbox is 80% full \/ Hộp thư của bạn đã đầy 80%$/);
    assert.match(w80[0]!.from ?? '', /postmaster@e2e\.test/);
    // A small one more stays in the same band: no second warning.
    const small = await send([ALICE], sized(ALICE, uniqueToken('small'), 600));
    assert.ok(small.ok, replyOf(small.final));
    // Then past 95% (the 80% warning itself counts too).
    const usedNow = (await inst.mailLs(ALICE)).reduce((n, m) => n + m.size, 0);
    const toward95 = Math.ceil(quota * 0.955) - usedNow;
    assert.ok(toward95 > 0 && usedNow + toward95 <= quota, `used ${usedNow}`);
    const third = await send([ALICE], sized(ALICE, uniqueToken('more'), toward95));
    assert.ok(third.ok, replyOf(third.final));
    await waitFor(async () => (await warnings(ALICE)).length === 2, 30_000, 'the 95% warning');
    const all = await warnings(ALICE);
    assert.deepEqual(all.map((m) => /(\d+)% full/.exec(m.subject!)![1]), ['80', '95']);
    const raw = (await inst.mailCat(ALICE, all[1]!.uid)).toString('utf8');
    assert.match(raw, /^Return-Path: <>\r\n/);
    const text = Buffer.from(raw.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
    assert.match(text, /Your mailbox alice@e2e\.test is 9\d% full: [\d.]+K of 200K used/);
    assert.match(text, /Hộp thư alice@e2e\.test của bạn đã dùng 9\d% dung lượng/);
    // Nothing more at the same level.
    const r = await send([ALICE], sized(ALICE, uniqueToken('tiny'), 300));
    if (r.ok) await new Promise((res) => setTimeout(res, 500));
    assert.equal((await warnings(ALICE)).length, 2);
  });

  it('a message that does not fit now: 452 4.2.2 at DATA; a full mailbox: 452 4.2.2 at RCPT TO, for that recipient only', async () => {
    const r = await send([ALICE], sized(ALICE, uniqueToken('nofit'), 12_000));
    assert.equal(replyOf(r.final), '452 4.2.2');
    // The admin lowers the quota below the usage: the mailbox is full.
    await inst.cli(['user', 'quota', ALICE, '100K']);
    const token = uniqueToken('pair');
    const pair = await send([ALICE, BOB], sized(`${ALICE}, ${BOB}`, token, 1_000));
    assert.equal(replyOf(pair.rcpts[0]!), '452 4.2.2');
    assert.match(pair.rcpts[0]!.text, /mailbox full/);
    assert.equal(replyOf(pair.rcpts[1]!), '250 2.1.5');
    assert.ok(pair.ok, replyOf(pair.final));
    assert.equal((await inst.findBySubject(BOB, token)).length, 1);
    assert.equal((await inst.findBySubject(ALICE, token)).length, 0);
  });

  it('the domain quota: all its users together', async () => {
    await inst.cli(['domain', 'quota', 'other.test', '8K']);
    const ok = await send([CAROL], sized(CAROL, uniqueToken('d1'), 5_000));
    assert.ok(ok.ok, replyOf(ok.final));
    // dan has no quota of his own; carol's mail counts against the domain.
    const over = await send([DAN], sized(DAN, uniqueToken('d2'), 4_000));
    assert.equal(replyOf(over.rcpts[0]!), '250 2.1.5');
    assert.equal(replyOf(over.final), '452 4.2.2');
    const tooBig = await send([DAN], sized(DAN, uniqueToken('d3'), 9_000), 'SIZE=9000');
    assert.equal(replyOf(tooBig.rcpts[0]!), '552 5.2.2');
    await inst.cli(['domain', 'quota', 'other.test', '4K']);
    const full = await send([DAN], sized(DAN, uniqueToken('d4'), 500));
    assert.equal(replyOf(full.rcpts[0]!), '452 4.2.2');
    assert.match(full.rcpts[0]!.text, /domain is full/);
    // Bad input changes nothing.
    const bad = await inst.cli(['domain', 'quota', 'other.test', 'lots'], { allowFail: true });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /not a size/);
    const unknown = await inst.cli(['domain', 'quota', 'nope.test', '1G'], { allowFail: true });
    assert.equal(unknown.code, 1);
    await inst.cli(['domain', 'quota', 'other.test', 'none']);
    const again = await send([DAN], sized(DAN, uniqueToken('d5'), 500));
    assert.ok(again.ok, replyOf(again.final));
  });

  it('IMAP: APPEND over the account or domain quota is NO [OVERQUOTA]; GETQUOTAROOT reports the quota', async () => {
    const c = await imap(ALICE);
    const q = await c.getQuota('INBOX');
    assert.ok(q && q.storage, JSON.stringify(q));
    assert.equal(q.storage.limit, 100 * 1024);
    await assert.rejects(
      c.append('INBOX', sized(ALICE, uniqueToken('append'), 2_000)),
      (err: Error & { serverResponseCode?: string }) => err.serverResponseCode === 'OVERQUOTA',
    );
    await inst.cli(['domain', 'quota', 'other.test', '5K']);
    const d = await imap(DAN);
    await assert.rejects(
      d.append('INBOX', sized(DAN, uniqueToken('append'), 2_000)),
      (err: Error & { serverResponseCode?: string }) => err.serverResponseCode === 'OVERQUOTA',
    );
    await inst.cli(['domain', 'quota', 'other.test', 'none']);
    const appended = await d.append('INBOX', sized(DAN, uniqueToken('append'), 2_000));
    assert.ok(appended && appended.uid, 'APPEND with room succeeds');
  });

  it('mailroom quota report: text and --json', async () => {
    await inst.cli(['domain', 'quota', 'other.test', '1G']);
    const json = JSON.parse((await inst.cli(['quota', 'report', '--json'])).stdout.toString('utf8')) as {
      users: { address: string; domain: string; used: number; quota: number | null; percent: number | null; messages: number }[];
      domains: { name: string; used: number; quota: number | null; percent: number | null; users: number; messages: number }[];
      disk: { path: string; free: number; total: number; reserve: number; belowReserve: boolean } | null;
    };
    assert.deepEqual(json.users.map((u) => u.address), [ALICE, BOB, CAROL, DAN]);
    const alice = json.users[0]!;
    assert.equal(alice.quota, 100 * 1024);
    assert.ok(alice.used > 100 * 1024 && alice.percent! > 100, JSON.stringify(alice));
    assert.equal(alice.messages, (await inst.mailLs(ALICE)).length);
    assert.equal(json.users[1]!.quota, null);
    assert.equal(json.users[1]!.percent, null);
    const other = json.domains.find((d) => d.name === 'other.test')!;
    assert.equal(other.quota, 1024 ** 3);
    assert.equal(other.users, 2);
    assert.equal(other.used, json.users[2]!.used + json.users[3]!.used);
    assert.ok(json.disk && json.disk.total > 0 && json.disk.free > 0, JSON.stringify(json.disk));
    assert.equal(json.disk.reserve, 1024 * 1024);
    assert.equal(json.disk.belowReserve, false);

    const text = (await inst.cli(['quota', 'report'])).stdout.toString('utf8');
    assert.match(text, /^USER\s+USED\s+QUOTA\s+USE%\s+MESSAGES$/m);
    assert.match(text, /^alice@e2e\.test\s+[\d.]+K\s+100K\s+1\d\d\.\d%\s+\d+$/m);
    assert.match(text, /^bob@e2e\.test\s+[\d.]+K\s+unlimited\s+-\s+\d+$/m);
    assert.match(text, /^other\.test\s+[\d.]+K\s+1G\s+0\.0%\s+2$/m);
    assert.match(text, /^disk .+: [\d.]+[KMGT]? free of [\d.]+[KMGT]?, reserve 1M$/m);
    const bad = await inst.cli(['quota', 'report', 'extra'], { allowFail: true });
    assert.equal(bad.code, 2);
  });

  it('the control API (how the panel gets there): the report and a domain quota', async () => {
    const control = new ControlClient({ socketPath: path.join(inst.dataDir, 'run', CONTROL_SOCKET) });
    try {
      const report = await control.quotaReport();
      const cli = JSON.parse((await inst.cli(['quota', 'report', '--json'])).stdout.toString('utf8')) as typeof report;
      assert.deepEqual(report.users, cli.users);
      assert.deepEqual(report.domains, cli.domains);
      assert.equal(report.disk?.reserve, 1024 * 1024);
      assert.deepEqual(await control.setDomainQuota('Other.Test', '2G'), { domain: 'other.test', quota: 2 * 1024 ** 3 });
      assert.equal((await control.quotaReport()).domains.find((d) => d.name === 'other.test')!.quota, 2 * 1024 ** 3);
      assert.deepEqual(await control.setDomainQuota('other.test', 'none'), { domain: 'other.test', quota: null });
      await assert.rejects(control.setDomainQuota('other.test', 'lots'), (e: ControlError) => e.status === 400 && e.code === 'invalid_size');
      await assert.rejects(control.setDomainQuota('nope.test', '1G'), (e: ControlError) => e.status === 404 && e.code === 'unknown_domain');
    } finally {
      control.close();
    }
  });
});

describe('below the free-space reserve', () => {
  let inst: MailroomInstance;
  let client: ImapFlow | null = null;

  before(async () => {
    // A reserve no test machine has free: the daemon is "below the reserve" from the start.
    inst = await MailroomInstance.start({ users: [ALICE], imap: true, limits: { diskReserve: '1000T' }, editConfig: (cfg) => { cfg.inbound = { verify: false }; } });
  });
  after(async () => {
    await client?.logout().catch(() => client?.close());
    await inst?.cleanup();
  });

  it('SMTP defers at MAIL FROM with 452 4.3.1; nothing is stored', async () => {
    const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message: sized(ALICE, uniqueToken('disk'), 500) });
    assert.equal(replyOf(r.mail), '452 4.3.1');
    assert.equal((await inst.mailLs(ALICE)).length, 0);
  });

  it('IMAP APPEND is NO [OVERQUOTA] (as Dovecot answers a full disk)', async () => {
    client = new ImapFlow({
      host: '127.0.0.1', port: inst.imapsPort, secure: true, auth: { user: ALICE, pass: TEST_PASSWORD },
      tls: { rejectUnauthorized: false }, logger: false, connectionTimeout: 20_000, greetingTimeout: 20_000,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    client.on('error', () => { /* surfaced by the failing call */ });
    await withTimeout(client.connect(), 30_000, 'imapflow connect');
    await assert.rejects(
      client.append('INBOX', sized(ALICE, uniqueToken('append'), 500)),
      (err: Error & { serverResponseCode?: string; response?: string }) => err.serverResponseCode === 'OVERQUOTA' && /disk space/.test(err.response ?? ''),
    );
    assert.equal((await inst.mailLs(ALICE)).length, 0);
  });

  it('the report shows the reserve and that the disk is below it', async () => {
    const json = JSON.parse((await inst.cli(['quota', 'report', '--json'])).stdout.toString('utf8')) as { disk: { reserve: number; belowReserve: boolean } };
    assert.equal(json.disk.reserve, 1000 * 1024 ** 4);
    assert.equal(json.disk.belowReserve, true);
    const text = (await inst.cli(['quota', 'report'])).stdout.toString('utf8');
    assert.match(text, /reserve 1000T \(BELOW THE RESERVE: new mail is deferred\)/);
  });
});
