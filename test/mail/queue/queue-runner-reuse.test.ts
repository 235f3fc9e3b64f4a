// The runner with connection reuse, end to end: a real spool, MX lookups through dnsmasq (cached),
// and an SMTP server in the test that counts its sessions. Many messages to one domain go over
// few sessions and each arrives exactly once; a reused session that the server cuts after the
// body (before its 250) leaves the message deferred, and the retry delivers it, once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createDnsLookup } from '../../../mail/queue/dns-lookup.js';
import { deliverToDomain } from '../../../mail/queue/domain-delivery.js';
import { QueueRunner } from '../../../mail/queue/queue-runner.js';
import { SmtpConnectionCache } from '../../../mail/queue/smtp-connection-cache.js';
import { OutboundSpool } from '../../../mail/queue/spool.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from './dnsmasq-fixture.js';
import { freeTcpPort } from './smtp-sink-fixture.js';

const HOST = '127.0.0.42';

function message(subject: string): AsyncGenerator<Buffer> {
  return (async function* () {
    yield Buffer.from(`From: alice@sender.test\r\nTo: bob@reuse.test\r\nSubject: ${subject}\r\n\r\nHello.\r\n`);
  })();
}

describe('QueueRunner with connection reuse', { skip: dnsmasqAvailable() ? false : 'dnsmasq not installed' }, () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  let runner: QueueRunner;
  let dnsmasq: DnsmasqFixture;
  let server: SMTPServer;
  let connections: SmtpConnectionCache;
  let clock = Date.now();
  let sessions = 0;
  const received: string[] = [];
  /** Subject whose DATA the server reads and then answers by cutting the connection, once. */
  let cutAfter: string | null = null;
  const transactionsOf = new Map<string, number>();
  const reusedCut: boolean[] = [];

  before(async () => {
    const port = await freeTcpPort(HOST);
    dnsmasq = await startDnsmasq(['--local-ttl=600', '--mx-host=reuse.test,mx.reuse.test,10', `--host-record=mx.reuse.test,${HOST}`]);
    server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onConnect(_s, cb) { sessions++; cb(); },
      onMailFrom(_a, session, cb) { transactionsOf.set(session.id, (transactionsOf.get(session.id) ?? 0) + 1); cb(); },
      onData(stream, session, cb) {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          const subject = /Subject: (.*)\r\n/.exec(Buffer.concat(parts).toString())?.[1] ?? '';
          if (subject === cutAfter) {
            cutAfter = null;
            reusedCut.push((transactionsOf.get(session.id) ?? 0) > 1);
            for (const c of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) if (c.id === session.id) c._socket.destroy();
            return;
          }
          received.push(subject);
          cb();
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-reuse-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue'), now: () => clock });
    const dns = createDnsLookup({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
    connections = new SmtpConnectionCache({ idleTimeoutMs: 30_000 });
    runner = new QueueRunner({
      spool, hostname: 'mail.sender.test', now: () => clock, limits: { total: 20, perDomain: 3 }, connections,
      deliver: (domain, msg) => deliverToDomain(domain, msg, {
        dns, heloName: 'mail.sender.test', mxPort: port, connections, timeouts: { connectMs: 5000, greetingMs: 10_000, socketMs: 20_000 },
      }),
      handOffBounce: async () => { throw new Error('no bounce expected'); },
    });
  });
  after(async () => {
    await runner?.stop(1000);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await dnsmasq?.stop();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers 30 messages to one domain over at most perDomain sessions, each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@reuse.test'] }, message(`bulk ${i}`)));
    await runner.drain();
    for (const id of ids) assert.equal(spool.get(id), null, `${id} done`);
    assert.deepEqual([...received].sort(), Array.from({ length: 30 }, (_, i) => `bulk ${i}`).sort());
    assert.ok(sessions <= 3, `${sessions} sessions for 30 messages`);
    assert.ok(connections.stats.reused >= 27);
  });

  it('a reused session cut after the body: deferred, then delivered once by the retry', async () => {
    received.length = 0;
    assert.ok(connections.idleSessions > 0, 'a session from the last test is waiting');
    cutAfter = 'cut';
    const id = await spool.enqueue({ from: 'alice@sender.test', recipients: ['bob@reuse.test'] }, message('cut'));
    await runner.drain();
    assert.deepEqual(reusedCut, [true], 'the cut hit a reused session');
    const r = spool.get(id)!.recipients[0]!;
    assert.equal(r.state, 'deferred');
    assert.equal(received.length, 0);
    clock += 60 * 60_000;
    await runner.drain();
    assert.equal(spool.get(id), null);
    assert.deepEqual(received, ['cut']);
  });
});
