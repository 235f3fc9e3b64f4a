// A mailing list's archive over IMAP, and members posting through submission, on one real
// instance (found through a real DNS server, dnsmasq, for SPF and DMARC lookups): ann and carl
// are members of team@e2e.test, dave is not. ann posts through submission (STARTTLS, AUTH);
// carl gets the post and reads the archive with imapflow as "Shared/team@e2e.test" (read-only:
// flags, deletion and moves are refused; a copy into his own folder works); dave cannot post
// (550 5.7.1 at RCPT) and never sees the archive.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';
import { MailroomInstance, TEST_PASSWORD, uniqueToken, waitFor, withTimeout } from './harness.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';
const LIST = 'team@e2e.test';
const SHARED = `Shared/${LIST}`;

describe('list archive over IMAP and posting through submission', { skip }, () => {
  let dns: DnsmasqFixture;
  let inst: MailroomInstance;
  const clients: ImapFlow[] = [];

  before(async () => {
    dns = await startDnsmasq([txtRecordArg('e2e.test', 'v=spf1 ip4:127.0.0.0/8 -all')]);
    inst = await MailroomInstance.start({
      users: ['ann@e2e.test', 'carl@e2e.test', 'dave@e2e.test'], imap: true, submission: true, limits: { greetingWait: 0 },
      editConfig: (cfg) => { cfg.dns = { servers: [dns.server] }; cfg.queue = { pollInterval: 1 }; },
    });
    await inst.cli(['list', 'add', LIST, '--name', 'Team', '--prefix', '[team]']);
    for (const m of ['ann@e2e.test', 'carl@e2e.test']) await inst.cli(['list', 'member', 'add', LIST, m]);
  });

  after(async () => {
    for (const c of clients) await c.logout().catch(() => c.close());
    await inst?.cleanup();
    await dns?.stop();
  });

  function submit(user: string, subject: string, to: string[] = [LIST]) {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: inst.submissionPort, secure: false, requireTLS: true, name: 'laptop.e2e.test',
      auth: { user, pass: TEST_PASSWORD }, tls: { rejectUnauthorized: false },
    });
    return transport.sendMail({ from: user, to, subject, text: `Sent by ${user}.` }).finally(() => transport.close());
  }

  async function imap(user: string): Promise<ImapFlow> {
    const c = new ImapFlow({
      host: '127.0.0.1', port: inst.imapsPort, secure: true, auth: { user, pass: TEST_PASSWORD }, tls: { rejectUnauthorized: false },
      logger: false, connectionTimeout: 10_000, greetingTimeout: 10_000,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    c.on('error', () => { /* surfaced by the failing call */ });
    clients.push(c);
    await withTimeout(c.connect(), 20_000, 'imapflow connect');
    return c;
  }

  let token = '';

  it('a member posts through submission; members get it and it is archived', async () => {
    token = uniqueToken('sub');
    const info = await submit('ann@e2e.test', `hello ${token}`);
    assert.deepEqual(info.accepted, [LIST]);
    for (const who of ['ann@e2e.test', 'carl@e2e.test']) {
      await waitFor(async () => (await inst.findBySubject(who, token)).length === 1, 40_000, `the post for ${who}; ${inst.tail(10)}`);
    }
    const [copy] = await inst.findBySubject('carl@e2e.test', token);
    assert.equal(copy!.subject, `[team] hello ${token}`);
    assert.equal((await inst.findBySubject('dave@e2e.test', token)).length, 0);
  });

  it('a non-member is refused at RCPT through submission; a mixed message still reaches its other recipient', async () => {
    await assert.rejects(submit('dave@e2e.test', 'let me in'), (err: Error & { responseCode?: number; response?: string }) => {
      assert.equal(err.responseCode, 550, String(err.response));
      assert.match(String(err.response), /5\.7\.1 only members may post/);
      return true;
    });
    const mixed = uniqueToken('mixed');
    const info = await submit('carl@e2e.test', `mixed ${mixed}`, [LIST, 'dave@e2e.test']);
    assert.deepEqual([...info.accepted].sort(), ['dave@e2e.test', LIST]);
    await waitFor(async () => (await inst.findBySubject('dave@e2e.test', mixed)).length === 1, 40_000, 'the direct copy at dave');
    await waitFor(async () => (await inst.findBySubject('ann@e2e.test', mixed)).length === 1, 40_000, 'the list copy at ann');
  });

  it('a member reads the archive as a read-only shared folder and copies out of it', async () => {
    const carl = await imap('carl@e2e.test');
    // imapflow asks NAMESPACE after login and keeps the answer.
    const ns = (carl as unknown as { namespaces?: { shared?: { prefix: string; delimiter: string }[] | false } }).namespaces;
    assert.deepEqual(ns?.shared, [{ prefix: 'Shared/', delimiter: '/' }]);
    const folders = await carl.list();
    const archive = folders.find((f) => f.path === SHARED);
    assert.ok(archive, `LIST has the archive: ${folders.map((f) => f.path).join(', ')}`);
    const status = await carl.status(SHARED, { messages: true });
    assert.ok(status && (status.messages ?? 0) >= 2, JSON.stringify(status));

    const box = await carl.mailboxOpen(SHARED);
    assert.equal(box.readOnly, true);
    const found = await carl.search({ subject: token }, { uid: true });
    assert.ok(found && found.length === 1, JSON.stringify(found));
    const uid = String(found[0]);
    const msg = await carl.fetchOne(uid, { source: true, flags: true }, { uid: true });
    assert.ok(msg, 'FETCH answered');
    assert.match(msg.source!.toString('utf8'), new RegExp(`hello ${token}`));
    assert.equal(msg.flags!.has('\\Seen'), false, 'reading changes no flag of the archive');

    assert.equal(await carl.messageFlagsAdd(uid, ['\\Flagged'], { uid: true }), false, 'STORE refused');
    assert.equal(await carl.messageDelete(uid, { uid: true }), false, 'delete refused');
    const moved = await carl.messageMove(uid, 'Archive', { uid: true }).catch(() => false);
    assert.ok(!moved, 'MOVE refused');
    const copied = await carl.messageCopy(uid, 'Archive', { uid: true });
    assert.ok(copied && copied.uidMap && copied.uidMap.size === 1, 'COPY into his own folder');
    await waitFor(async () => (await inst.findBySubject('carl@e2e.test', token, 'Archive')).length === 1, 10_000, 'the copy in Archive');
    await assert.rejects(carl.append(SHARED, 'Subject: x\r\n\r\nx\r\n'));
    await carl.mailboxClose();
    // Still there, unflagged.
    const again = await carl.mailboxOpen(SHARED, { readOnly: true });
    assert.ok(again.exists >= 2);
  });

  it('a non-member never sees the archive', async () => {
    const dave = await imap('dave@e2e.test');
    const folders = await dave.list();
    assert.ok(!folders.some((f) => f.path.startsWith('Shared')), folders.map((f) => f.path).join(', '));
    await assert.rejects(dave.mailboxOpen(SHARED), (err: Error & { serverResponseCode?: string; responseText?: string }) => {
      assert.equal(err.serverResponseCode, 'NONEXISTENT', `${err.message} ${err.responseText ?? ''}`);
      return true;
    });
  });
});
