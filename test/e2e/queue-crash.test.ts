// Every acknowledged message is delivered or bounced exactly once across a SIGKILL of the daemon
// in the middle of its outbound run. A user submits N messages (every 8th to a recipient the remote
// refuses with 550) to a remote domain whose MX (dnsmasq) is a small counting SMTP server in this
// test: it answers each DATA after a short delay and records the unique token of every message it
// accepted. Once some are delivered and others still queued, the daemon is SIGKILLed and
// restarted; the queue drains. Then: each acknowledged message to a good recipient reached the
// server, each one to the refused recipient came back as a DSN, never both. Duplicates are allowed
// only in the window between the remote 250 and our commit (RFC 1047): at most the attempts in
// flight at the kill, counted from the daemon's own log (attempted but not yet done).

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { MailroomInstance, TEST_PASSWORD, sleep, uniqueToken, waitFor, withTimeout } from './harness.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';

const REMOTE_HOST = '127.0.0.62';
const MR_HOST = '127.0.0.63';
const N = 40;
const DATA_DELAY_MS = 150;

/** A minimal SMTP server: no TLS, no pipelining; RCPT to reject-* gets 550; records tokens. */
class CountingServer {
  readonly accepted = new Map<string, number>();
  openTransactions = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(host: string): Promise<CountingServer> {
    let self: CountingServer | null = null;
    const server = net.createServer((s) => self!.session(s));
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, resolve); });
    self = new CountingServer(server, (server.address() as net.AddressInfo).port);
    return self;
  }

  get total(): number { let n = 0; for (const v of this.accepted.values()) n += v; return n; }

  private session(s: net.Socket): void {
    this.sockets.add(s);
    let buf = '';
    let inData = false;
    let inTx = false;
    let rcpts = 0;
    const endTx = () => { if (inTx) { inTx = false; this.openTransactions--; } };
    s.on('close', () => { endTx(); this.sockets.delete(s); });
    s.on('error', () => undefined);
    s.write('220 counter.far.test ESMTP\r\n');
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const body = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          const token = /crashtok-([a-z0-9]+)/.exec(body)?.[1] ?? 'none';
          setTimeout(() => {
            if (s.destroyed) return;
            this.accepted.set(token, (this.accepted.get(token) ?? 0) + 1);
            s.write('250 2.0.0 Ok: queued\r\n');
            endTx();
          }, DATA_DELAY_MS);
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') s.write('250-counter.far.test\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n');
        else if (verb === 'HELO') s.write('250 counter.far.test\r\n');
        else if (verb === 'MAIL') { if (!inTx) { inTx = true; this.openTransactions++; } rcpts = 0; s.write('250 2.1.0 Ok\r\n'); }
        else if (verb === 'RCPT') { if (/<reject-/i.test(line)) s.write('550 5.1.1 No such user\r\n'); else { rcpts++; s.write('250 2.1.5 Ok\r\n'); } }
        else if (verb === 'DATA') { if (rcpts > 0) { inData = true; s.write('354 End data with <CR><LF>.<CR><LF>\r\n'); } else s.write('554 5.5.1 No valid recipients\r\n'); }
        else if (verb === 'RSET') { endTx(); s.write('250 2.0.0 Ok\r\n'); }
        else if (verb === 'NOOP') s.write('250 2.0.0 Ok\r\n');
        else if (verb === 'QUIT') { endTx(); s.end('221 2.0.0 Bye\r\n'); return; }
        else s.write('502 5.5.2 Not implemented\r\n');
      }
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface QueueJson { id: string; recipients: { address: string; state: string }[] }

describe('every acknowledged message is delivered or bounced exactly once across a SIGKILL', { skip }, () => {
  let dns: DnsmasqFixture;
  let remote: CountingServer;
  let mr: MailroomInstance;
  const PER_DOMAIN = 2;

  before(async () => {
    remote = await CountingServer.start(REMOTE_HOST);
    dns = await startDnsmasq(['--mx-host=far.test,mx.far.test,10', `--host-record=mx.far.test,${REMOTE_HOST}`]);
    mr = await MailroomInstance.start({
      host: MR_HOST, hostname: 'mx.alpha.test', domains: ['alpha.test'], users: ['alice@alpha.test'], submission: true,
      editConfig: (cfg) => {
        cfg.dns = { servers: [dns.server] };
        cfg.outbound = { port: remote.port };
        cfg.queue = { pollInterval: 1, concurrency: { total: 20, perDomain: PER_DOMAIN } };
      },
    });
  });

  after(async () => {
    await mr?.cleanup();
    await remote?.stop();
    await dns?.stop();
  });

  it(`${N} messages, SIGKILL mid-run, restart: no loss, duplicates only for attempts in flight`, async () => {
    const run = uniqueToken('r').toLowerCase().replace(/[^a-z0-9]/g, '');
    const transport = nodemailer.createTransport({
      pool: true, maxConnections: 1, maxMessages: Infinity, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000,
      host: mr.host, port: mr.submissionPort, secure: false, requireTLS: true, name: 'laptop.alpha.test',
      auth: { user: 'alice@alpha.test', pass: TEST_PASSWORD },
      tls: { rejectUnauthorized: false, servername: 'mx.alpha.test' },
    });
    const acked: { token: string; reject: boolean }[] = [];
    let submitError: string | null = null;
    const submitting = (async () => {
      for (let i = 0; i < N; i++) {
        const token = `${run}x${i}`;
        const reject = i % 8 === 7;
        try {
          const info = await transport.sendMail({
            from: 'alice@alpha.test', to: `${reject ? 'reject' : 'user'}-${i}@far.test`,
            subject: `crash crashtok-${token}`, text: `Message ${i} crashtok-${token}\n`,
          });
          if (/^250 /.test(info.response)) acked.push({ token, reject });
        } catch (err) {
          submitError = (err as Error).message;
          return; // the daemon is gone: the rest is not acknowledged
        }
      }
    })();

    // Kill once some messages are out and (normally) others still wait in the queue.
    await waitFor(() => remote.total >= 10, 30_000, `10 deliveries; ${mr.tail(5)}`, 5);
    const openAtKill = remote.openTransactions;
    await mr.kill();
    const killedAt = Date.now();
    const deliveredAtKill = remote.total;
    await withTimeout(submitting, 20_000, 'the submitting loop to notice the kill');
    transport.close();
    const gen1 = mr.logs.filter((l) => l.generation === mr.generation && l.json).map((l) => l.json!);
    const attempted = new Set(gen1.filter((j) => j.msg === 'queue attempt').map((j) => String(j.qid)));
    const done = new Set(gen1.filter((j) => j.msg === 'message done, removed from queue').map((j) => String(j.qid)));
    const inFlight = [...attempted].filter((q) => !done.has(q)).length;
    const queuedAtKill = gen1.filter((j) => j.msg === 'queued').length - done.size;

    await mr.start();
    const startMs = Date.now() - killedAt;
    const queue = async () => JSON.parse((await mr.cli(['queue', 'ls', '--json'])).stdout.toString('utf8')) as QueueJson[];
    try {
      await waitFor(async () => {
        const q = await queue();
        // Nothing should be deferred by a kill on our side; if something is, make it due now.
        for (const m of q) if (m.recipients.some((r) => r.state === 'deferred')) await mr.cli(['queue', 'retry', m.id]);
        return q.length === 0;
      }, 40_000, 'the queue to drain', 250);
    } catch (err) {
      const gen2 = mr.logs.filter((l) => l.generation === mr.generation).slice(-25).map((l) => l.raw).join('\n');
      throw new Error(`${(err as Error).message}; queue: ${JSON.stringify(await queue())}; remote open: ${remote.openTransactions}; after restart:\n${gen2}\n[stderr] ${mr.stderr.slice(-2000)}`);
    }
    await sleep(300);

    // DSNs in alice's INBOX, by token.
    const dsns = new Map<string, number>();
    for (const m of await mr.mailLs('alice@alpha.test')) {
      if (!/Undelivered/.test(m.subject ?? '')) continue;
      const raw = (await mr.mailCat('alice@alpha.test', m.uid)).toString('latin1');
      const tok = new RegExp(`crashtok-(${run}x\\d+)`).exec(raw)?.[1] ?? 'unknown';
      dsns.set(tok, (dsns.get(tok) ?? 0) + 1);
    }

    let duplicates = 0;
    const problems: string[] = [];
    for (const { token, reject } of acked) {
      const delivered = remote.accepted.get(token) ?? 0;
      const bounced = dsns.get(token) ?? 0;
      if (reject) {
        if (delivered !== 0) problems.push(`${token}: refused recipient but delivered ${delivered}×`);
        if (bounced === 0) problems.push(`${token}: refused recipient, no DSN`);
        duplicates += Math.max(0, bounced - 1);
      } else {
        if (bounced !== 0) problems.push(`${token}: bounced ${bounced}×`);
        if (delivered === 0) problems.push(`${token}: lost (never delivered)`);
        duplicates += Math.max(0, delivered - 1);
      }
    }
    const report = {
      acknowledged: acked.length, submitError, deliveredAtKill, queuedAtKill, inFlightAtKill: inFlight, remoteOpenTransactionsAtKill: openAtKill,
      deliveredTotal: remote.total, dsns: [...dsns.values()].reduce((a, b) => a + b, 0), duplicates, startMs, drainedMs: Date.now() - killedAt,
    };
    console.log(`queue-crash: ${JSON.stringify(report)}`);
    assert.deepEqual(problems, [], JSON.stringify(report));
    assert.ok(acked.length >= 10, `at least 10 acknowledged: ${JSON.stringify(report)}`);
    assert.ok(duplicates <= inFlight, `duplicates (${duplicates}) at most the attempts in flight at the kill (${inFlight}): ${JSON.stringify(report)}`);
    assert.ok(inFlight <= PER_DOMAIN + 1, `in flight ≤ the per-domain limit (+1 bounce): ${JSON.stringify(report)}`);
  });
});
