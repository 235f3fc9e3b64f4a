// Two Mailroom instances on their own loopback addresses find each other through a real DNS
// server (dnsmasq, MX records for both domains). A user of A submits over STARTTLS with AUTH to a
// user of B and to a local user of A: both arrive, B's copy carries both hops' Received fields,
// is DKIM-signed for A's domain, and A's queue is empty afterwards. A recipient B refuses (5xx) comes back to the sender as a
// DSN in her INBOX.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { MailroomInstance, TEST_PASSWORD, headerFields, splitMessage, uniqueToken, waitFor } from './harness.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';

describe('submission and outbound delivery between two instances', { skip }, () => {
  let dns: DnsmasqFixture;
  let a: MailroomInstance;
  let b: MailroomInstance;

  before(async () => {
    dns = await startDnsmasq([
      '--mx-host=alpha.test,mx.alpha.test,10', '--host-record=mx.alpha.test,127.0.0.31',
      '--mx-host=beta.test,mx.beta.test,10', '--host-record=mx.beta.test,127.0.0.32',
    ]);
    b = await MailroomInstance.start({
      host: '127.0.0.32', hostname: 'mx.beta.test', domains: ['beta.test'], users: ['bob@beta.test'],
      limits: { greetingWait: 0 },
      editConfig: (cfg) => { cfg.dns = { servers: [dns.server] }; },
    });
    a = await MailroomInstance.start({
      host: '127.0.0.31', hostname: 'mx.alpha.test', domains: ['alpha.test'], users: ['alice@alpha.test', 'carol@alpha.test'],
      submission: true,
      editConfig: (cfg) => {
        cfg.dns = { servers: [dns.server] };
        // B's MX listens on a free port, not 25.
        cfg.outbound = { port: b.port };
        cfg.queue = { pollInterval: 1 };
      },
    });
  });

  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await dns?.stop();
  });

  function transport() {
    return nodemailer.createTransport({
      host: a.host, port: a.submissionPort, secure: false, requireTLS: true, name: 'laptop.alpha.test',
      auth: { user: 'alice@alpha.test', pass: TEST_PASSWORD },
      tls: { rejectUnauthorized: false, servername: 'mx.alpha.test' },
    });
  }

  async function queueLs(): Promise<unknown[]> {
    return JSON.parse((await a.cli(['queue', 'ls', '--json'])).stdout.toString('utf8')) as unknown[];
  }

  it('delivers to a remote and a local recipient; the remote copy has a Received chain; the queue empties', async () => {
    const token = uniqueToken('sub');
    const t = transport();
    try {
      const info = await t.sendMail({
        from: 'Alice <alice@alpha.test>', to: ['bob@beta.test', 'carol@alpha.test'], subject: `hello ${token}`, text: 'Across two instances.\n',
      });
      assert.match(info.response, /^250 2\.0\.0 /);
    } finally {
      t.close();
    }
    const local = await waitFor(async () => (await a.findBySubject('carol@alpha.test', token)).length > 0, 10_000, 'local copy at A');
    assert.ok(local);
    const [remote] = await waitFor(async () => { const m = await b.findBySubject('bob@beta.test', token); return m.length ? m : null; }, 20_000, `remote copy at B; A: ${a.tail(10)}`);
    const raw = await b.mailCat('bob@beta.test', remote!.uid);
    const received = headerFields(splitMessage(raw).header).filter(([name]) => name === 'received').map(([, v]) => v);
    assert.ok(received.length >= 2, `two Received fields: ${received.join(' | ')}`);
    assert.match(received[0]!, /by mx\.beta\.test \(Mailroom\) with ESMTPS/);
    assert.match(received[1]!, /by mx\.alpha\.test \(Mailroom\) with ESMTPSA/);
    const fields = headerFields(splitMessage(raw).header);
    assert.equal(fields.filter(([name]) => name === 'return-path').length, 1);
    // `domain add` made an RSA and an Ed25519 key for alpha.test: both sign, below A's Received.
    const signatures = fields.filter(([name]) => name === 'dkim-signature').map(([, v]) => v);
    assert.equal(signatures.length, 2, `DKIM signatures: ${signatures.join(' | ')}`);
    assert.ok(signatures.every((v) => /\bd=alpha\.test\b/.test(v)));
    assert.ok(fields.findIndex(([n]) => n === 'dkim-signature') > fields.map(([n]) => n).lastIndexOf('received'));
    await waitFor(async () => (await queueLs()).length === 0, 10_000, 'an empty queue at A');
  });

  it('a recipient refused with 5xx at B comes back as a DSN in the sender\'s INBOX', async () => {
    const token = uniqueToken('dsn');
    const t = transport();
    try {
      await t.sendMail({ from: 'alice@alpha.test', to: ['nobody@beta.test'], subject: `lost ${token}`, text: 'Nobody reads this.\n' });
    } finally {
      t.close();
    }
    const dsn = await waitFor(async () => {
      const inbox = await a.mailLs('alice@alpha.test');
      return inbox.find((m) => (m.subject ?? '').startsWith('Undelivered Mail Returned to Sender')) ?? null;
    }, 20_000, `a DSN in alice's INBOX; A: ${a.tail(10)}`);
    const raw = (await a.mailCat('alice@alpha.test', dsn.uid)).toString('utf8');
    assert.match(raw, /multipart\/report; report-type=delivery-status/i);
    assert.match(raw, /Final-Recipient: rfc822; ?nobody@beta\.test/i);
    assert.match(raw, new RegExp(`lost ${token}`));
    await waitFor(async () => (await queueLs()).length === 0, 10_000, 'an empty queue at A');
  });

  it('queue retry and rm refuse an unknown id', async () => {
    const retry = await a.cli(['queue', 'retry', 'nosuchid'], { allowFail: true });
    assert.equal(retry.code, 1);
    assert.match(retry.stderr, /no queued message nosuchid/);
    const rm = await a.cli(['queue', 'rm', 'nosuchid'], { allowFail: true });
    assert.equal(rm.code, 1);
  });
});
