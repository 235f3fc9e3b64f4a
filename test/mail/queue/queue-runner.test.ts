// End to end: the runner delivers from a real spool to Postfix's smtp-sink and to an in-test
// smtp-server, finding them through a real DNS server (dnsmasq) on 127.0.0.x addresses. The
// clock is injected, so retries and expiry happen without waiting.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createDnsLookup } from '../../../mail/queue/dns-lookup.js';
import { deliverToDomain, relayDestination, relayTlsMode, type RelayConfig } from '../../../mail/queue/domain-delivery.js';
import type { QueueEvent } from '../../../mail/queue/queue-events.js';
import { QueueRunner } from '../../../mail/queue/queue-runner.js';
import { OutboundSpool } from '../../../mail/queue/spool.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from './dnsmasq-fixture.js';
import { freeTcpPort, isRoot, smtpSinkAvailable, startSmtpSink, type SmtpSink } from './smtp-sink-fixture.js';

const MIN = 60_000;
const skip = !dnsmasqAvailable() ? 'dnsmasq not installed' : !smtpSinkAvailable() ? 'postfix smtp-sink not installed' : !isRoot() ? 'smtp-sink needs root (-u nobody)' : false;

function message(subject: string): AsyncGenerator<Buffer> {
  return (async function* () {
    yield Buffer.from(`From: Alice <alice@sender.test>\r\nTo: someone\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@sender.test>\r\n\r\nHello.\r\n.leading dot\r\n`);
  })();
}

describe('QueueRunner end to end', { skip }, () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  let runner: QueueRunner;
  let dnsmasq: DnsmasqFixture;
  let port: number;
  const sinks: Record<string, SmtpSink> = {};
  let smtpServer: SMTPServer;
  const received: { from: string; to: string[]; secure: boolean; data: string }[] = [];
  let clock = Date.now();
  const events: QueueEvent[] = [];
  const bounces: { to: string; message: Buffer }[] = [];
  const authed: { user: string; secure: boolean }[] = [];

  before(async () => {
    port = await freeTcpPort('127.0.0.21');
    dnsmasq = await startDnsmasq([
      '--mx-host=ok.test,mx.ok.test,10', '--host-record=mx.ok.test,127.0.0.21',
      '--mx-host=soft.test,mx.soft.test,10', '--host-record=mx.soft.test,127.0.0.22',
      '--mx-host=hard.test,mx.hard.test,10', '--host-record=mx.hard.test,127.0.0.23',
      // Two MX hosts: the preferred one refuses connections, the second takes the mail.
      '--mx-host=fallback.test,dead.fallback.test,5', '--host-record=dead.fallback.test,127.0.0.29',
      '--mx-host=fallback.test,mx.ok.test,10',
      '--mx-host=dead.test,mx.dead.test,10', '--host-record=mx.dead.test,127.0.0.29',
      '--host-record=mixed.test,127.0.0.24', // implicit MX
      '--mx-host=nullmx.test,.,0',
    ]);
    sinks.ok = await startSmtpSink('127.0.0.21', port);
    sinks.soft = await startSmtpSink('127.0.0.22', port, { softReject: ['RCPT'] });
    sinks.hard = await startSmtpSink('127.0.0.23', port, { hardReject: ['RCPT'] });
    smtpServer = new SMTPServer({
      authOptional: true,
      onAuth(auth, session, cb) {
        if (auth.username === 'relayuser' && auth.password === 'secret') { authed.push({ user: auth.username, secure: session.secure }); return cb(null, { user: auth.username }); }
        cb(new Error('bad credentials'));
      },
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
        if (address.address.startsWith('later@')) return cb(Object.assign(new Error('4.2.1 mailbox busy'), { responseCode: 451 }));
        cb();
      },
      onData(stream, session, cb) {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), secure: session.secure, data: Buffer.concat(parts).toString() });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtpServer.listen(port, '127.0.0.24', resolve));

    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-runner-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue'), now: () => clock });
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
    runner = new QueueRunner({
      spool,
      hostname: 'mail.sender.test',
      now: () => clock,
      deliver: (domain, msg) => deliverToDomain(domain, msg, { dns, heloName: 'mail.sender.test', mxPort: port, timeouts: { connectMs: 2000, greetingMs: 5000, socketMs: 10_000 } }),
      // As the daemon would for a remote sender: back into the queue, with the null sender.
      handOffBounce: async (envelope, msg) => {
        bounces.push({ to: envelope.recipients[0], message: msg });
        await spool.enqueue(envelope, (async function* () { yield msg; })(), { isBounce: true });
      },
      onEvent: (e) => events.push(e),
    });
  });
  after(async () => {
    await runner?.stop(1000);
    for (const s of Object.values(sinks)) await s.stop();
    await new Promise<void>((resolve) => (smtpServer ? smtpServer.close(() => resolve()) : resolve()));
    await dnsmasq?.stop();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers to the MX and removes the message', async () => {
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@ok.test'] }, message('first delivery'));
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.match(sinks.ok!.dump(), /Subject: first delivery/);
    assert.ok(events.some((e) => e.type === 'delivered' && e.qid === id && e.recipient === 'bob@ok.test'));
  });

  it('falls back to the next MX when the preferred one refuses connections', async () => {
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@fallback.test'] }, message('fallback'));
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.match(sinks.ok!.dump(), /Subject: fallback/);
  });

  it('defers on 4xx and delivers on the retry, once the clock reaches it', async () => {
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@soft.test'] }, message('soft then ok'));
    await runner.drain();
    const r = spool.get(id)!.recipients[0]!;
    assert.deepEqual([r.state, r.attempts, r.nextAttemptAt - clock], ['deferred', 1, 1 * MIN]);
    assert.match(r.lastReply!, /^450 4\.3\.0/);
    await runner.drain(); // not due yet: nothing happens
    assert.equal(spool.get(id)!.recipients[0]!.attempts, 1);

    await sinks.soft!.stop();
    sinks.soft = await startSmtpSink('127.0.0.22', port);
    clock += 1 * MIN;
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.match(sinks.soft.dump(), /Subject: soft then ok/);
  });

  it('bounces a 5xx to the sender with a DSN; the DSN itself is never bounced', async () => {
    const before = bounces.length;
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@hard.test'] }, message('hard fail'));
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.equal(bounces.length, before + 1);
    const dsn = bounces[before]!;
    assert.equal(dsn.to, 'alice@sender.test');
    const parsed = await simpleParser(dsn.message);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
    assert.match(parsed.text ?? '', /Final-Recipient: rfc822; bob@hard\.test\nAction: failed\nStatus: 5\.1\.1\nRemote-MTA: dns; mx\.hard\.test\nDiagnostic-Code: smtp; 550 5\.1\.1/);
    assert.match(parsed.attachments[0]!.content.toString(), /Subject: hard fail/);
    // The DSN was queued to alice@sender.test, a domain that does not exist: it fails
    // permanently, and being from the null sender, makes no further bounce.
    await runner.drain();
    assert.equal(bounces.length, before + 1);
    assert.deepEqual(spool.list(), []);
  });

  it('a failing message from the null sender produces no DSN', async () => {
    const before = bounces.length;
    const id = await spool.enqueue({ from: '', recipients: ['bob@hard.test'] }, message('null sender'));
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.equal(bounces.length, before);
  });

  it('null MX fails at once with 5.1.10', async () => {
    const before = bounces.length;
    await spool.enqueue({ from: 'alice@sender.test', recipients: ['x@nullmx.test'] }, message('null mx'));
    await runner.drain();
    assert.equal(bounces.length, before + 1);
    assert.match(bounces[before]!.message.toString(), /Status: 5\.1\.10/);
  });

  it('gives per-recipient results in one transaction, over opportunistic STARTTLS', async () => {
    const before = bounces.length;
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['ann@mixed.test', 'nobody@mixed.test', 'later@mixed.test'] }, message('mixed'));
    await runner.drain();
    const last = received.at(-1)!;
    assert.deepEqual(last.to, ['ann@mixed.test']);
    assert.equal(last.secure, true, 'STARTTLS was used');
    assert.match(last.data, /\r\n\.leading dot\r\n/, 'dot-stuffing undone by the server');
    const m = spool.get(id)!;
    assert.deepEqual(m.recipients.map((r) => [r.address, r.state]), [['ann@mixed.test', 'delivered'], ['nobody@mixed.test', 'failed'], ['later@mixed.test', 'deferred']]);
    assert.equal(bounces.length, before + 1);
    assert.match(bounces[before]!.message.toString(), /Final-Recipient: rfc822; nobody@mixed\.test/);
    assert.doesNotMatch(bounces[before]!.message.toString(), /later@mixed\.test/);
    await runner.drain();
    await spool.remove(id);
  });

  it('expires a message that stays undeliverable past the max age, with a DSN', async () => {
    const before = bounces.length;
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@dead.test'] }, message('expiring'));
    await runner.drain();
    assert.equal(spool.get(id)!.recipients[0]!.state, 'deferred');
    clock += 5 * 24 * 60 * MIN;
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.equal(bounces.length, before + 1);
    assert.match(bounces[before]!.message.toString(), /Action: failed\r\nStatus: 4\.4\.1/);
    await runner.drain();
  });

  it('smarthost mode: every domain goes to the relay, STARTTLS required, AUTH with the credentials', async () => {
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
    // The in-test relay has smtp-server's self-signed certificate, hence required-any here; the
    // default for a relay is required-verified.
    const relay: RelayConfig = { host: '127.0.0.24', port, username: 'relayuser', password: 'secret', tls: 'required-any' };
    const relayRunner = new QueueRunner({
      spool, hostname: 'mail.sender.test', now: () => clock, handOffBounce: async () => {},
      deliver: (domain, msg) => deliverToDomain(domain, msg, { dns, heloName: 'mail.sender.test', relay }),
    });
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['someone@gmail.example'] }, message('via relay'));
    await relayRunner.drain();
    assert.equal(spool.get(id), null);
    assert.deepEqual(authed.at(-1), { user: 'relayuser', secure: true });
    assert.deepEqual(received.at(-1)!.to, ['someone@gmail.example']);
  });

  it('smarthost with a certificate that does not verify: deferred, never sent in the clear', async () => {
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
    const relay: RelayConfig = { host: '127.0.0.24', port, username: 'relayuser', password: 'secret' };
    const count = received.length;
    const relayRunner = new QueueRunner({
      spool, hostname: 'mail.sender.test', now: () => clock, handOffBounce: async () => {},
      deliver: (domain, msg) => deliverToDomain(domain, msg, { dns, heloName: 'mail.sender.test', relay }),
    });
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['someone@gmail.example'] }, message('bad cert'));
    await relayRunner.drain();
    const r = spool.get(id)!.recipients[0]!;
    assert.equal(r.state, 'deferred');
    assert.equal(r.status, '4.7.5');
    assert.equal(received.length, count);
    await spool.remove(id);
  });

  it('smarthost with tls "none": plain SMTP although STARTTLS is offered; "opportunistic" takes it', async () => {
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
    for (const [setting, secure] of [['none', false], ['opportunistic', true]] as const) {
      const relay: RelayConfig = { host: '127.0.0.24', port, tls: relayTlsMode(setting) };
      const relayRunner = new QueueRunner({
        spool, hostname: 'mail.sender.test', now: () => clock, handOffBounce: async () => {}, destinationOf: () => relayDestination(relay),
        deliver: (domain, msg) => deliverToDomain(domain, msg, { dns, heloName: 'mail.sender.test', relay }),
      });
      const id = await spool.enqueue({ from: 'alice@sender.test', recipients: [`someone@${setting}.example`] }, message(`relay tls ${setting}`));
      await relayRunner.drain();
      assert.equal(spool.get(id), null, `delivered with tls ${setting}`);
      assert.deepEqual(received.at(-1)!.to, [`someone@${setting}.example`]);
      assert.equal(received.at(-1)!.secure, secure, `tls ${setting}`);
    }
  });

  it('MTA-STS enforce: an unlisted MX or an unverifiable certificate defers, nothing is sent', async () => {
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
    const count = received.length;
    for (const [mx, reason] of [['mx.elsewhere.test', /matches its MTA-STS policy/], ['mixed.test', /TLS with mixed\.test/]] as const) {
      const stsRunner = new QueueRunner({
        spool, hostname: 'mail.sender.test', now: () => clock, handOffBounce: async () => {},
        deliver: (domain, msg) => deliverToDomain(domain, msg, {
          dns, heloName: 'mail.sender.test', mxPort: port, mtaSts: async () => ({ mode: 'enforce', mx: [mx], maxAgeSeconds: 86400 }),
        }),
      });
      const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['ann@mixed.test'] }, message(`sts ${mx}`));
      await stsRunner.drain();
      const r = spool.get(id)!.recipients[0]!;
      assert.deepEqual([r.state, r.status], ['deferred', '4.7.5']);
      assert.match(r.lastReply!, reason);
      await spool.remove(id);
    }
    assert.equal(received.length, count);
  });
});
