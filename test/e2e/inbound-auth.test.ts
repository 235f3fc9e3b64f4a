// Inbound verification between two instances through a real DNS server (dnsmasq) that publishes
// A's SPF, both of A's DKIM keys (from `mailroom dns alpha.test --json`) and DMARC records: a
// message submitted on A arrives at B with spf=pass, dkim=pass and dmarc=pass in B's
// Authentication-Results; a forged From of a p=reject domain sent straight to B's MX is refused
// with 550 5.7.1 and not stored; a forged From of a p=quarantine domain lands in Junk.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';
import { MailroomInstance, SmtpClient, TEST_PASSWORD, buildMessage, dotStuff, headerFields, splitMessage, uniqueToken, waitFor, type Reply } from './harness.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';

function setDnsServer(inst: MailroomInstance, server: string): void {
  const file = path.join(inst.dataDir, 'config.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  cfg.dns = { servers: [server] };
  writeFileSync(file, JSON.stringify(cfg, null, 2) + '\n');
}

describe('inbound verification (SPF, DKIM, DMARC) between two instances', { skip }, () => {
  let dns: DnsmasqFixture;
  let a: MailroomInstance;
  let b: MailroomInstance;

  before(async () => {
    // A's DKIM keys exist only after `domain add`, so both instances start first (DNS pointing
    // nowhere), then dnsmasq publishes the records and both restart with it as their resolver.
    b = await MailroomInstance.start({
      host: '127.0.0.42', hostname: 'mx.beta.test', domains: ['beta.test'], users: ['bob@beta.test'],
      limits: { greetingWait: 0 },
    });
    a = await MailroomInstance.start({
      host: '127.0.0.41', hostname: 'mx.alpha.test', domains: ['alpha.test'], users: ['alice@alpha.test'],
      submission: true,
      editConfig: (cfg) => { cfg.outbound = { port: b.port }; cfg.queue = { pollInterval: 1 }; },
    });
    const records = JSON.parse((await a.cli(['dns', 'alpha.test', '--json'])).stdout.toString('utf8')) as { type: string; name: string; value: string }[];
    const dkim = records.filter((r) => r.type === 'TXT' && r.name.includes('._domainkey.'));
    assert.equal(dkim.length, 2, `two DKIM records: ${JSON.stringify(records)}`);
    dns = await startDnsmasq([
      '--mx-host=alpha.test,mx.alpha.test,10', '--host-record=mx.alpha.test,127.0.0.41',
      '--mx-host=beta.test,mx.beta.test,10', '--host-record=mx.beta.test,127.0.0.42',
      // A connects to B from a loopback address the kernel picks: the whole of 127/8 is A's.
      txtRecordArg('alpha.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('_dmarc.alpha.test', 'v=DMARC1; p=reject'),
      ...dkim.map((r) => txtRecordArg(r.name, r.value)),
      txtRecordArg('bank.test', 'v=spf1 ip4:192.0.2.1 -all'),
      txtRecordArg('_dmarc.bank.test', 'v=DMARC1; p=reject'),
      txtRecordArg('shop.test', 'v=spf1 ip4:192.0.2.1 -all'),
      txtRecordArg('_dmarc.shop.test', 'v=DMARC1; p=quarantine'),
    ]);
    setDnsServer(a, dns.server);
    setDnsServer(b, dns.server);
    await b.restart();
    await a.restart();
  });

  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await dns?.stop();
  });

  /** One transaction straight to B's MX (on its own loopback address); the reply after the dot. */
  async function sendToB(from: string, message: string): Promise<Reply> {
    const c = await SmtpClient.open(b.port, { host: b.host, ehlo: 'evil.test' });
    try {
      assert.equal((await c.command(`MAIL FROM:<${from}>`)).code, 250);
      assert.equal((await c.command('RCPT TO:<bob@beta.test>')).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      void c.write(dotStuff(message));
      return await c.readReply(20_000);
    } finally {
      await c.quit().catch(() => undefined);
    }
  }

  async function authResults(raw: Buffer): Promise<string[]> {
    return headerFields(splitMessage(raw).header).filter(([n]) => n === 'authentication-results').map(([, v]) => v);
  }

  it('a message submitted and signed on A arrives at B with spf=pass dkim=pass dmarc=pass', async () => {
    const token = uniqueToken('auth');
    const t = nodemailer.createTransport({
      host: a.host, port: a.submissionPort, secure: false, requireTLS: true, name: 'laptop.alpha.test',
      auth: { user: 'alice@alpha.test', pass: TEST_PASSWORD },
      tls: { rejectUnauthorized: false, servername: 'mx.alpha.test' },
    });
    try {
      await t.sendMail({ from: 'Alice <alice@alpha.test>', to: 'bob@beta.test', subject: `signed ${token}`, text: 'Verified at B.\n' });
    } finally {
      t.close();
    }
    const [m] = await waitFor(async () => { const x = await b.findBySubject('bob@beta.test', token); return x.length ? x : null; }, 20_000, `message at B; A: ${a.tail(10)}`);
    assert.equal(m!.folder, 'INBOX');
    const raw = await b.mailCat('bob@beta.test', m!.uid);
    const fields = headerFields(splitMessage(raw).header).map(([n]) => n);
    assert.deepEqual(fields.slice(0, 3), ['return-path', 'received', 'authentication-results']);
    const [ar] = await authResults(raw);
    assert.match(ar!, /^mx\.beta\.test;/);
    assert.match(ar!, /\bspf=pass\b/);
    assert.match(ar!, /\bdkim=pass\b[^;]*header\.[id]=@?alpha\.test/);
    assert.match(ar!, /\bdmarc=pass\b/);
  });

  it('a forged From of a p=reject domain sent straight to B is refused with 550 5.7.1 and not stored', async () => {
    const token = uniqueToken('forged');
    const final = await sendToB('bounce@evil.test', buildMessage({ from: 'ceo@bank.test', to: 'bob@beta.test', subject: `wire ${token}`, body: 'Pay now.' }));
    assert.equal(final.code, 550, final.text);
    assert.equal(final.enhanced, '5.7.1');
    assert.equal((await b.findBySubject('bob@beta.test', token)).length, 0);
    assert.equal((await b.mailLs('bob@beta.test', 'Junk')).filter((x) => (x.subject ?? '').includes(token)).length, 0);
  });

  it('a forged From of a p=quarantine domain lands in Junk with the header', async () => {
    const token = uniqueToken('quar');
    const final = await sendToB('bounce@evil.test', buildMessage({ from: 'deals@shop.test', to: 'bob@beta.test', subject: `deal ${token}`, body: 'Cheap.' }));
    assert.equal(final.code, 250, final.text);
    const junk = await b.mailLs('bob@beta.test', 'Junk');
    const m = junk.find((x) => (x.subject ?? '').includes(token));
    assert.ok(m, `in Junk: ${JSON.stringify(junk)}`);
    const [ar] = await authResults(await b.mailCat('bob@beta.test', m.uid, 'Junk'));
    assert.match(ar!, /\bdmarc=fail\b/);
  });
});
