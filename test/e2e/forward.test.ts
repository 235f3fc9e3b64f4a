// Forwarders between two Mailroom instances on their own loopback addresses, found through a
// real DNS server (dnsmasq) that publishes MX records and SPF: A (alpha.test, SRS domain
// mx.alpha.test) forwards to B (beta.test); B also hosts orig.test, the original sender's
// domain, whose SPF allows only 192.0.2.1. Forwarded mail arrives at B with spf=pass for A's SRS
// address; bounces to SRS addresses (from B's MX, and from A's own queue) reach the original
// sender; forged and expired SRS addresses are refused at RCPT; loops between A and B stop,
// kept locally or refused with 554 5.4.6 whose DSN travels back over both SRS hops.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dnsmasqAvailable, startDnsmasq, type DnsmasqFixture } from '../mail/queue/dnsmasq-fixture.js';
import { txtRecordArg } from '../mail/queue/dnsmasq-txt.js';
import { editConfigFile } from './config-file.js';
import { MailroomInstance, buildMessage, headerFields, rawDeliver, splitMessage, uniqueToken, waitFor } from './harness.js';
import { deriveSrsKey } from '../../mail/srs/srs-key.js';
import { srsForward } from '../../mail/srs/srs-codec.js';

const skip = dnsmasqAvailable() ? false : 'dnsmasq not installed';
const A_HOST = '127.0.0.41';
const B_HOST = '127.0.0.42';

describe('forwarders with SRS between two instances', { skip }, () => {
  let dns: DnsmasqFixture;
  let a: MailroomInstance;
  let b: MailroomInstance;

  before(async () => {
    dns = await startDnsmasq([
      '--mx-host=alpha.test,mx.alpha.test,10', '--mx-host=mx.alpha.test,mx.alpha.test,10', `--host-record=mx.alpha.test,${A_HOST}`,
      '--mx-host=beta.test,mx.beta.test,10', '--mx-host=mx.beta.test,mx.beta.test,10', '--mx-host=orig.test,mx.beta.test,10', `--host-record=mx.beta.test,${B_HOST}`,
      // The SRS domains (the hosts' names) allow loopback; the original sender's domain does not.
      txtRecordArg('mx.alpha.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('mx.beta.test', 'v=spf1 ip4:127.0.0.0/8 -all'),
      txtRecordArg('orig.test', 'v=spf1 ip4:192.0.2.1 -all'),
    ]);
    const common = (cfg: Record<string, unknown>) => { cfg.dns = { servers: [dns.server] }; cfg.queue = { pollInterval: 1 }; };
    // Each sends to the other's port; A's is known only once A exists, so A starts with a
    // placeholder and restarts with B's port.
    a = await MailroomInstance.start({
      host: A_HOST, hostname: 'mx.alpha.test', domains: ['alpha.test'], users: ['fwd@alpha.test', 'circle@alpha.test'],
      limits: { greetingWait: 0 }, editConfig: (cfg) => { common(cfg); cfg.outbound = { port: 9 }; },
    });
    b = await MailroomInstance.start({
      host: B_HOST, hostname: 'mx.beta.test', domains: ['beta.test', 'orig.test'], users: ['bob@beta.test', 'alice@orig.test'],
      limits: { greetingWait: 0 }, editConfig: (cfg) => { common(cfg); cfg.outbound = { port: a.port }; },
    });
    editConfigFile(a, (cfg) => { cfg.outbound = { port: b.port }; });
    await a.restart();
  });

  after(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await dns?.stop();
  });

  /** A message from alice@orig.test, sent into A's MX from loopback (not 192.0.2.1: SPF fails for her domain). */
  async function sendToA(to: string, token: string, extraHeaders: string[] = []) {
    return rawDeliver(a.port, {
      host: A_HOST, from: 'alice@orig.test', to: [to],
      message: buildMessage({ from: 'alice@orig.test', to, subject: `fwd ${token}`, body: 'Forward me.\r\n', extraHeaders }),
    });
  }

  async function queueEmpty(inst: MailroomInstance): Promise<boolean> {
    return (JSON.parse((await inst.cli(['queue', 'ls', '--json'])).stdout.toString('utf8')) as unknown[]).length === 0;
  }

  /** The key A signs SRS addresses with (derived from its secrets/secret.key, as the daemon does). */
  function aSrs() {
    return { key: deriveSrsKey(readFileSync(path.join(a.dataDir, 'secrets', 'secret.key'))), domain: 'mx.alpha.test', maxAgeDays: 21 };
  }

  it('forwards with an SRS sender: spf=pass at B, a copy kept at A, one trace field', async () => {
    await a.cli(['forward', 'set', 'fwd@alpha.test', 'bob@beta.test', '--keep']);
    const token = uniqueToken('spf');
    const sent = await sendToA('fwd@alpha.test', token);
    assert.ok(sent.ok, `accepted at A: ${JSON.stringify(sent)}`);
    await waitFor(async () => (await a.findBySubject('fwd@alpha.test', token)).length === 1, 10_000, 'the copy kept at A');
    const [copy] = await waitFor(async () => { const m = await b.findBySubject('bob@beta.test', token); return m.length ? m : null; }, 30_000, `the forwarded copy at B; A: ${a.tail(10)}`);
    const fields = headerFields(splitMessage(await b.mailCat('bob@beta.test', copy!.uid)).header);
    const returnPath = fields.find(([n]) => n === 'return-path')?.[1] ?? '';
    // B lower-cases the envelope sender it records; SRS compares hashes without regard to case.
    assert.match(returnPath, /^<SRS0=[^=]{4}=[A-Z2-7]{2}=orig\.test=alice@mx\.alpha\.test>$/i);
    const results = fields.filter(([n]) => n === 'authentication-results').map(([, v]) => v);
    const atB = results.find((v) => v.startsWith('mx.beta.test'));
    assert.ok(atB, `B's Authentication-Results: ${results.join(' | ')}`);
    assert.match(atB, /\bspf=pass\b/);
    assert.match(atB, /smtp\.mailfrom=("?)SRS0=/i);
    // A's own verdict travels along and shows what SRS saved: alice's domain does not allow us.
    const atA = results.find((v) => v.startsWith('mx.alpha.test'));
    assert.ok(atA && /\bspf=fail\b/.test(atA), `A's Authentication-Results: ${atA}`);
    assert.deepEqual(fields.filter(([n]) => n === 'x-mailroom-forwarded').map(([, v]) => v), ['fwd@alpha.test']);
    assert.equal(fields.filter(([n]) => n === 'return-path').length, 1);
    await waitFor(() => queueEmpty(a), 15_000, 'an empty queue at A');
  });

  it('a bounce sent to the SRS address at A\'s MX reaches the original sender', async () => {
    const token = uniqueToken('mxbounce');
    const address = srsForward('alice@orig.test', aSrs(), new Date());
    const res = await rawDeliver(a.port, {
      host: A_HOST, from: '', to: [address],
      message: buildMessage({ from: 'MAILER-DAEMON@elsewhere.test', to: address, subject: `Undelivered Mail Returned to Sender ${token}`, body: 'It bounced.\r\n' }),
    });
    assert.ok(res.ok, `accepted at A: ${JSON.stringify(res)}`);
    await waitFor(async () => (await b.findBySubject('alice@orig.test', token)).length === 1, 30_000, `the bounce in alice's INBOX at B; A: ${a.tail(10)}`);
  });

  it('a recipient B refuses makes A\'s queue bounce to the SRS sender, which goes back to the original sender', async () => {
    await a.cli(['forward', 'set', 'gone@alpha.test', 'nobody@beta.test']);
    const token = uniqueToken('qbounce');
    const sent = await sendToA('gone@alpha.test', token);
    assert.ok(sent.ok, `accepted at A: ${JSON.stringify(sent)}`);
    const raw = await waitFor(async () => {
      for (const m of await b.mailLs('alice@orig.test')) {
        if (!(m.subject ?? '').startsWith('Undelivered Mail Returned to Sender')) continue;
        const text = (await b.mailCat('alice@orig.test', m.uid)).toString('utf8');
        if (text.includes(`fwd ${token}`)) return text;
      }
      return null;
    }, 40_000, `a DSN in alice's INBOX at B; A: ${a.tail(15)}`);
    assert.match(raw, /Final-Recipient: rfc822; ?nobody@beta\.test/i);
    assert.match(raw, new RegExp(`fwd ${token}`));
  });

  it('forged and expired SRS addresses are refused at RCPT with clear replies', async () => {
    const good = srsForward('alice@orig.test', aSrs(), new Date());
    const forged = good.replace(/^SRS0=[^=]{4}=/, 'SRS0=AAAA=');
    const res = await rawDeliver(a.port, { host: A_HOST, from: '', to: [forged], message: 'Subject: x\r\n\r\nx\r\n' });
    assert.equal(res.rcpts[0]!.code, 550);
    assert.equal(res.rcpts[0]!.enhanced, '5.7.1');
    assert.match(res.rcpts[0]!.text, /forged SRS address/);
    const expired = srsForward('alice@orig.test', aSrs(), new Date(Date.now() - 30 * 86_400_000));
    const old = await rawDeliver(a.port, { host: A_HOST, from: '', to: [expired], message: 'Subject: x\r\n\r\nx\r\n' });
    assert.equal(old.rcpts[0]!.code, 550);
    assert.equal(old.rcpts[0]!.enhanced, '5.1.1');
    assert.match(old.rcpts[0]!.text, /expired SRS address/);
  });

  it('a message already forwarded by the same forwarder is refused with 554 5.4.6', async () => {
    await a.cli(['forward', 'set', 'ring@alpha.test', 'ring@beta.test']);
    const res = await sendToA('ring@alpha.test', uniqueToken('seen'), ['X-Mailroom-Forwarded: ring@alpha.test']);
    assert.equal(res.final?.code, 554, JSON.stringify(res));
    assert.equal(res.final?.enhanced, '5.4.6');
    assert.match(res.final!.text, /Forwarding loop detected/);
  });

  it('a loop A -> B -> A with a kept copy stops at A: the message stays in the mailbox, nothing goes round', async () => {
    await a.cli(['forward', 'set', 'circle@alpha.test', 'circle@beta.test', '--keep']);
    await b.cli(['forward', 'set', 'circle@beta.test', 'circle@alpha.test']);
    const token = uniqueToken('circle');
    assert.ok((await sendToA('circle@alpha.test', token)).ok);
    await waitFor(async () => (await a.findBySubject('circle@alpha.test', token)).length === 2, 30_000, `the original and the looped copy at A; A: ${a.tail(10)} B: ${b.tail(10)}`);
    await waitFor(() => a.jsonLogs().some((l) => l.msg === 'forwarding loop detected; kept locally' || l.message === 'forwarding loop detected; kept locally'), 10_000, 'the loop in A\'s log');
    await waitFor(async () => (await queueEmpty(a)) && (await queueEmpty(b)), 20_000, 'empty queues');
    assert.equal((await a.findBySubject('circle@alpha.test', token)).length, 2);
  });

  it('a loop A -> B -> A without a mailbox is refused at A; the DSN comes back over SRS1 and SRS0 to the sender', async () => {
    await b.cli(['forward', 'set', 'ring@beta.test', 'ring@alpha.test']);
    const token = uniqueToken('ring');
    assert.ok((await sendToA('ring@alpha.test', token)).ok);
    const dsn = await waitFor(async () => {
      const inbox = await b.mailLs('alice@orig.test');
      for (const m of inbox) {
        if (!(m.subject ?? '').startsWith('Undelivered Mail Returned to Sender')) continue;
        const raw = (await b.mailCat('alice@orig.test', m.uid)).toString('utf8');
        if (raw.includes(`fwd ${token}`)) return raw;
      }
      return null;
    }, 60_000, `the loop's DSN in alice's INBOX at B; A: ${a.tail(10)} B: ${b.tail(10)}`);
    assert.match(dsn, /5\.4\.6/);
    assert.match(dsn, /Forwarding loop detected/);
  });
});
