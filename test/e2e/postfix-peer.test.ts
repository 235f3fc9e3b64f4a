// Debian's Postfix as a peer both ways, and Postfix's smtp-sink as a failing peer, through a real
// DNS server (dnsmasq publishing MX and SPF):
// - a Mailroom user submits over STARTTLS+AUTH to a user of a private Postfix (MX peer.test →
//   127.0.0.51); it lands in Postfix's Maildir, DKIM-signed;
// - a message injected into that Postfix for the Mailroom domain is relayed by Postfix (through
//   transport_maps) to Mailroom's MX and lands in the INBOX with Authentication-Results;
// - against smtp-sink (MX sink.test → 127.0.0.52): a 4xx is deferred and delivered once the sink
//   answers normally and `queue retry` makes it due; a 5xx comes back as a DSN in the sender's
//   INBOX; a dropped connection is deferred and then delivered.
// MX hosts share outbound.port, so Postfix and smtp-sink listen on one port number on two addresses.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';
import { PostfixPeer, SmtpSink, freePortOnAll, postfixAvailable, readDumps } from '../helpers/postfix-peer.js';
import { MailroomInstance, TEST_PASSWORD, buildMessage, headerFields, rawDeliver, splitMessage, uniqueToken, waitFor } from './harness.js';

const skip = !dnsmasqAvailable() ? 'dnsmasq not installed' : !postfixAvailable() ? 'postfix not installed' : process.getuid?.() !== 0 ? 'needs root (private Postfix)' : false;

const PF_HOST = '127.0.0.51';
const SINK_HOST = '127.0.0.52';
const MR_HOST = '127.0.0.53';

interface QueueJson { id: string; sender: string; recipients: { address: string; state: string; attempts: number; lastReply: string | null }[] }

describe('Postfix as a peer both ways; smtp-sink answering 4xx, 5xx and dropping', { skip }, () => {
  let dns: DnsmasqFixture;
  let pf: PostfixPeer;
  let mr: MailroomInstance;
  let sink: SmtpSink | null = null;
  let peerPort = 0;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mailroom-e2e-sink-'));
  const dumpDir = path.join(tmp, 'dumps');
  // smtp-sink writes its dump files as nobody: mkdtemp's 0700 would shut it out.
  chmodSync(tmp, 0o755);

  before(async () => {
    peerPort = await freePortOnAll([PF_HOST, SINK_HOST]);
    dns = await startDnsmasq([
      '--mx-host=peer.test,mx.peer.test,10', `--host-record=mx.peer.test,${PF_HOST}`,
      '--mx-host=sink.test,mx.sink.test,10', `--host-record=mx.sink.test,${SINK_HOST}`,
      '--mx-host=alpha.test,mx.alpha.test,10', `--host-record=mx.alpha.test,${MR_HOST}`,
      txtRecordArg('peer.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
    ]);
    mr = await MailroomInstance.start({
      host: MR_HOST, hostname: 'mx.alpha.test', domains: ['alpha.test'], users: ['alice@alpha.test', 'bob@alpha.test'],
      submission: true, limits: { greetingWait: 0 },
      editConfig: (cfg) => { cfg.dns = { servers: [dns.server] }; cfg.outbound = { port: peerPort }; cfg.queue = { pollInterval: 1 }; },
    });
    pf = await PostfixPeer.start({
      host: PF_HOST, port: peerPort, hostname: 'mx.peer.test', domain: 'peer.test', users: ['pat'],
      transports: { 'alpha.test': `smtp:[${MR_HOST}]:${mr.port}` },
    });
  });

  after(async () => {
    await sink?.stop();
    await mr?.cleanup();
    await pf?.stop();
    await dns?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function submit(to: string, subject: string): Promise<void> {
    const t = nodemailer.createTransport({
      host: mr.host, port: mr.submissionPort, secure: false, requireTLS: true, name: 'laptop.alpha.test',
      auth: { user: 'alice@alpha.test', pass: TEST_PASSWORD },
      tls: { rejectUnauthorized: false, servername: 'mx.alpha.test' },
    });
    try {
      const info = await t.sendMail({ from: 'Alice <alice@alpha.test>', to, subject, text: `Body of ${subject}.\n` });
      assert.match(info.response, /^250 /);
    } finally {
      t.close();
    }
  }

  async function queue(): Promise<QueueJson[]> {
    return JSON.parse((await mr.cli(['queue', 'ls', '--json'])).stdout.toString('utf8')) as QueueJson[];
  }

  /** The queue entry with a recipient `rcpt` in one of `states`. */
  async function waitQueued(rcpt: string, states: string[], what: string): Promise<QueueJson> {
    return waitFor(async () => (await queue()).find((m) => m.recipients.some((r) => r.address === rcpt && states.includes(r.state))) ?? null,
      20_000, `${what}; queue: ${JSON.stringify(await queue().catch(() => []))}; ${mr.tail(8)}`, 250);
  }

  async function waitGone(id: string, what: string): Promise<void> {
    await waitFor(async () => !(await queue()).some((m) => m.id === id), 20_000, `${what}; ${mr.tail(8)}`, 250);
  }

  async function startSink(flags: string[]): Promise<void> {
    await sink?.stop();
    sink = await SmtpSink.start(SINK_HOST, peerPort, dumpDir, flags);
  }

  it('Mailroom → Postfix: a submitted message lands in the Postfix Maildir, DKIM-signed', async () => {
    const token = uniqueToken('topf');
    await submit('pat@peer.test', `to postfix ${token}`);
    const file = await waitFor(() => pf.maildirFiles('pat').find((f) => readFileSync(f, 'latin1').includes(token)), 30_000,
      `message in Postfix's Maildir; postfix: ${pf.tailLog(10)}; mailroom: ${mr.tail(8)}`, 200);
    const raw = readFileSync(file);
    const fields = headerFields(splitMessage(raw).header);
    assert.ok(fields.some(([n, v]) => n === 'dkim-signature' && /\bd=alpha\.test\b/.test(v)), `DKIM-Signature d=alpha.test: ${splitMessage(raw).header}`);
    assert.match(fields.find(([n]) => n === 'received')![1], /by mx\.peer\.test \(Postfix\)/);
    await waitFor(async () => (await queue()).length === 0, 10_000, 'empty queue');
  });

  it('Postfix → Mailroom: a message relayed by Postfix lands in the INBOX with Authentication-Results', async () => {
    const token = uniqueToken('frompf');
    const res = await rawDeliver(peerPort, {
      host: PF_HOST, ehlo: 'client.peer.test', from: 'pat@peer.test', to: ['bob@alpha.test'],
      message: buildMessage({ from: 'pat@peer.test', to: 'bob@alpha.test', subject: `from postfix ${token}`, body: 'Relayed by Postfix.' }),
    });
    assert.ok(res.ok, `Postfix accepted: ${JSON.stringify(res.final ?? res.rcpts)}`);
    const [m] = await waitFor(async () => { const x = await mr.findBySubject('bob@alpha.test', token); return x.length ? x : null; }, 30_000,
      `message at Mailroom; postfix: ${pf.tailLog(10)}`, 250);
    assert.equal(m!.folder, 'INBOX');
    const fields = headerFields(splitMessage(await mr.mailCat('bob@alpha.test', m!.uid)).header);
    const ar = fields.find(([n]) => n === 'authentication-results');
    assert.ok(ar, `Authentication-Results: ${JSON.stringify(fields)}`);
    assert.match(ar[1], /^mx\.alpha\.test;/);
    assert.match(ar[1], /\bspf=pass\b[^;]*peer\.test/);
    assert.ok(fields.some(([n, v]) => n === 'received' && /by mx\.peer\.test \(Postfix\)/.test(v)), 'Postfix hop in Received');
  });

  it('4xx from smtp-sink: deferred, then delivered once the sink answers normally', async () => {
    await startSink(['-r', 'RCPT']);
    const token = uniqueToken('soft');
    await submit('soft@sink.test', `soft ${token}`);
    const q = await waitQueued('soft@sink.test', ['deferred'], '4xx deferral');
    assert.match(q.recipients[0]!.lastReply ?? '', /^4\d\d/, sink?.errors);
    assert.equal(readDumps(dumpDir).filter((d) => d.includes(token)).length, 0);
    await startSink([]);
    await mr.cli(['queue', 'retry', q.id]);
    await waitGone(q.id, 'delivered after retry');
    await waitFor(() => readDumps(dumpDir).some((d) => d.includes(token)), 5000, 'dump file');
    assert.equal(readDumps(dumpDir).filter((d) => d.includes(token)).length, 1, 'delivered exactly once');
    assert.equal((await mr.mailLs('alice@alpha.test')).filter((x) => /Undelivered/.test(x.subject ?? '')).length, 0, 'no bounce');
  });

  it('5xx from smtp-sink: a DSN in the sender\'s INBOX, exactly once', async () => {
    await startSink(['-f', 'RCPT']);
    const token = uniqueToken('hard');
    await submit('hard@sink.test', `hard ${token}`);
    const dsnFor = async () => {
      const out: number[] = [];
      for (const m of await mr.mailLs('alice@alpha.test')) {
        if (!/Undelivered/.test(m.subject ?? '')) continue;
        if ((await mr.mailCat('alice@alpha.test', m.uid)).toString('latin1').includes(token)) out.push(m.uid);
      }
      return out;
    };
    await waitFor(async () => (await dsnFor()).length > 0, 20_000, `DSN; ${mr.tail(8)}`, 250);
    await waitFor(async () => (await queue()).length === 0, 10_000, 'empty queue');
    const [uid] = await dsnFor();
    const raw = (await mr.mailCat('alice@alpha.test', uid!)).toString('latin1');
    assert.match(raw, /multipart\/report/i);
    assert.match(raw, /Final-Recipient:\s*rfc822;\s*hard@sink\.test/i);
    assert.match(raw, /Status:\s*5\.\d+\.\d+/i);
    assert.equal((await dsnFor()).length, 1, 'one DSN');
    assert.equal(readDumps(dumpDir).filter((d) => d.includes(token)).length, 0);
  });

  it('a dropped connection: deferred, then delivered', async () => {
    await startSink(['-q', 'DATA']);
    const token = uniqueToken('drop');
    await submit('drop@sink.test', `drop ${token}`);
    const q = await waitQueued('drop@sink.test', ['deferred'], 'deferral after the drop');
    await startSink([]);
    await mr.cli(['queue', 'retry', q.id]);
    await waitGone(q.id, 'delivered after retry');
    await waitFor(() => readDumps(dumpDir).some((d) => d.includes(token)), 5000, 'dump file');
    assert.equal(readDumps(dumpDir).filter((d) => d.includes(token)).length, 1, 'delivered exactly once');
  });
});
