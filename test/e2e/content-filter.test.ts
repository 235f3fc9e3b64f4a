// Spam and virus filtering at the door, end to end: a real `mailroom serve` with spam.rspamd and
// antivirus.clamd pointed at a real rspamd 3.4 and a real clamd (test/helpers/*-fixture.ts), and
// real mail over SMTP:
//   GTUBE                    -> 554 5.7.1, nothing stored
//   an EICAR attachment      -> 554 5.7.1, nothing stored
//   clean mail               -> INBOX, with X-Spam-Status: No
//   rspamd "add header"      -> Junk, with X-Spam: Yes (the sender's own X-Spam fields removed)
//   rspamd "rewrite subject" -> Junk, Subject rewritten by rspamd
//   rspamd "soft reject"     -> 451 4.7.1
//   clamd stopped            -> 451 4.3.0 (antivirus.onUnavailable = defer), nothing stored
//   rspamd stopped           -> accepted unfiltered with a warning (spam.onUnavailable = accept)
// and the time filtering adds per message, against a second instance without filters.
// Skipped only when rspamd or clamd is not installed.

import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MailroomInstance, SmtpClient, buildMessage, dotStuff, headerFields, splitMessage, uniqueToken, type Reply } from './harness.js';
import { GTUBE, JUNK_SUBJECT, REWRITE_SUBJECT, RspamdFixture, SOFT_SUBJECT, rspamdMissing } from '../helpers/rspamd-fixture.js';
import { ClamdFixture, clamdMissing, eicarMessage } from '../helpers/clamd-fixture.js';

const skip = rspamdMissing() ?? clamdMissing() ?? false;
const BOB = 'bob@e2e.test';

describe('content filters: rspamd and clamd at the door', { skip }, () => {
  let rspamd: RspamdFixture;
  let clamd: ClamdFixture;
  let mx: MailroomInstance;

  before(async () => {
    [rspamd, clamd] = await Promise.all([RspamdFixture.start(), ClamdFixture.start({ streamMaxLength: '10M' })]);
    console.log(`# fixtures ready: rspamd ${rspamd.startupMs} ms, clamd ${clamd.startupMs} ms`);
    mx = await MailroomInstance.start({
      users: [BOB],
      limits: { greetingWait: 0 },
      editConfig: (cfg) => {
        // Verification (SPF/DKIM/DMARC) off: no DNS in this test; the filters then spool on their own.
        cfg.inbound = { verify: false };
        cfg.spam = { rspamd: rspamd.url, rspamdController: rspamd.controllerUrl, timeout: 20 };
        cfg.antivirus = { clamd: clamd.unixAddress, timeout: 30, maxScanSize: '10M' };
      },
    });
  });

  after(async () => {
    await mx?.cleanup();
    await Promise.all([rspamd?.cleanup(), clamd?.cleanup()]);
  });

  /** One transaction to the MX; the reply after the final dot and how long it took. */
  async function send(message: string, port = mx.port): Promise<{ reply: Reply; ms: number }> {
    const c = await SmtpClient.open(port, { ehlo: 'client.sender.example' });
    try {
      assert.equal((await c.command('MAIL FROM:<alice@sender.example>')).code, 250);
      assert.equal((await c.command(`RCPT TO:<${BOB}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      const started = performance.now();
      void c.write(dotStuff(message));
      const reply = await c.readReply(60_000);
      return { reply, ms: performance.now() - started };
    } finally {
      await c.quit().catch(() => undefined);
    }
  }

  function mail(subject: string, body: string, extraHeaders: string[] = []): string {
    return buildMessage({ from: 'alice@sender.example', to: BOB, subject, body, extraHeaders });
  }

  async function stored(token: string): Promise<{ inbox: number; junk: number }> {
    return { inbox: (await mx.findBySubject(BOB, token)).length, junk: (await mx.findBySubject(BOB, token, 'Junk')).length };
  }

  async function fields(token: string, folder: string): Promise<[string, string][]> {
    const [m] = await mx.findBySubject(BOB, token, folder);
    assert.ok(m, `message ${token} in ${folder}`);
    return headerFields(splitMessage(await mx.mailCat(BOB, m.uid, folder)).header);
  }

  it('GTUBE: 554 5.7.1 at the end of DATA, nothing stored', async () => {
    const token = uniqueToken('gtube');
    const { reply } = await send(mail(`hello ${token}`, `Hello,\r\n${GTUBE}\r\n`));
    assert.equal(reply.code, 554, reply.text);
    assert.equal(reply.enhanced, '5.7.1');
    assert.match(reply.text, /Spam message rejected: Gtube pattern/);
    assert.deepEqual(await stored(token), { inbox: 0, junk: 0 });
  });

  it('an EICAR attachment: 554 5.7.1 naming the virus, nothing stored', async () => {
    const token = uniqueToken('eicar');
    const { reply } = await send(eicarMessage(['From: <alice@sender.example>', `To: <${BOB}>`, `Subject: invoice ${token}`, 'Message-ID: <' + token + '@sender.example>']));
    assert.equal(reply.code, 554, reply.text);
    assert.equal(reply.enhanced, '5.7.1');
    assert.match(reply.text, /virus found \(Eicar-Test-Signature/);
    assert.deepEqual(await stored(token), { inbox: 0, junk: 0 });
  });

  it('clean mail: INBOX, with X-Spam-Status: No', async () => {
    const token = uniqueToken('clean');
    const { reply } = await send(mail(`lunch ${token}`, 'Shall we meet at noon at the usual place? Bring the report.'));
    assert.equal(reply.code, 250, reply.text);
    assert.deepEqual(await stored(token), { inbox: 1, junk: 0 });
    const f = await fields(token, 'INBOX');
    assert.match(f.find(([n]) => n === 'x-spam-status')?.[1] ?? '', /^No, score=-?\d+\.\d\d$/);
    assert.ok(!f.some(([n]) => n === 'x-spam'));
    const line = mx.jsonLogs().find((l) => l.msg === 'message' && l.outcome === 'delivered' && (l.filters as Record<string, unknown> | undefined)?.rspamd);
    const filters = line?.filters as Record<string, { action: string; ms: number }>;
    assert.equal(filters.clamd?.action, 'accept');
    assert.equal(filters.rspamd?.action, 'add-headers');
  });

  it('rspamd "add header": Junk with X-Spam: Yes; the sender\'s X-Spam fields are gone', async () => {
    const token = uniqueToken('junk');
    const { reply } = await send(mail(`${JUNK_SUBJECT} ${token}`, 'Cheap watches.', ['X-Spam: No', 'X-Spam-Status: No, score=-100']));
    assert.equal(reply.code, 250, reply.text);
    assert.deepEqual(await stored(token), { inbox: 0, junk: 1 });
    const f = await fields(token, 'Junk');
    assert.deepEqual(f.filter(([n]) => n === 'x-spam').map(([, v]) => v), ['Yes']);
    const status = f.filter(([n]) => n === 'x-spam-status').map(([, v]) => v);
    assert.equal(status.length, 1);
    assert.match(status[0]!, /^Yes, score=\d+\.\d\d$/);
  });

  it('rspamd "rewrite subject": Junk, the Subject rewritten', async () => {
    const token = uniqueToken('rewrite');
    const { reply } = await send(mail(`${REWRITE_SUBJECT} ${token}`, 'Even cheaper watches.'));
    assert.equal(reply.code, 250, reply.text);
    const [m] = await mx.findBySubject(BOB, token, 'Junk');
    assert.match(m?.subject ?? '', new RegExp(`^\\*\\*\\*SPAM\\*\\*\\* ${REWRITE_SUBJECT} ${token}$`));
    const f = await fields(token, 'Junk');
    assert.equal(f.filter(([n]) => n === 'subject').length, 1);
  });

  it('rspamd "soft reject": 451 4.7.1, nothing stored', async () => {
    const token = uniqueToken('soft');
    const { reply } = await send(mail(`${SOFT_SUBJECT} ${token}`, 'Later.'));
    assert.equal(reply.code, 451, reply.text);
    assert.equal(reply.enhanced, '4.7.1');
    assert.deepEqual(await stored(token), { inbox: 0, junk: 0 });
  });

  it('time added per message: 20 clean 4 KB messages, interleaved with an instance without filters and one with instant fake engines', async () => {
    // Fake engines that answer at once: what Mailroom's own plumbing costs (spooling first, HTTP
    // and socket round trips, the header filter), apart from the engines' work.
    const fakeRspamd = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"action":"no action","score":0.1,"symbols":{}}')); });
    const fakeClamd = net.createServer((sock) => {
      let seen = Buffer.alloc(0);
      sock.on('data', (d: Buffer) => { seen = Buffer.concat([seen.subarray(-3), d]); if (seen.subarray(-4).equals(Buffer.alloc(4))) sock.end('stream: OK\0'); });
      sock.on('error', () => undefined);
    });
    await Promise.all([new Promise<void>((r) => fakeRspamd.listen(0, '127.0.0.1', r)), new Promise<void>((r) => fakeClamd.listen(0, '127.0.0.1', r))]);
    const port = (srv: http.Server | net.Server) => (srv.address() as AddressInfo).port;
    const [plain, fake] = await Promise.all([
      MailroomInstance.start({ users: [BOB], limits: { greetingWait: 0 }, editConfig: (cfg) => { cfg.inbound = { verify: false }; } }),
      MailroomInstance.start({
        users: [BOB], limits: { greetingWait: 0 },
        editConfig: (cfg) => {
          cfg.inbound = { verify: false };
          cfg.spam = { rspamd: `http://127.0.0.1:${port(fakeRspamd)}` };
          cfg.antivirus = { clamd: `tcp://127.0.0.1:${port(fakeClamd)}` };
        },
      }),
    ]);
    try {
      const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(70);
      const times: Record<'plain' | 'fake' | 'real', number[]> = { plain: [], fake: [], real: [] };
      for (let i = 0; i < 21; i++) {
        for (const [name, inst] of [['plain', plain], ['fake', fake], ['real', mx]] as const) {
          const { reply, ms } = await send(mail(`timing ${uniqueToken('t')}`, body), inst.port);
          assert.equal(reply.code, 250, reply.text);
          if (i > 0) times[name].push(ms); // the first warms up connections and caches
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const serverMs = (inst: MailroomInstance) => median(inst.jsonLogs().filter((l) => l.msg === 'message' && l.outcome === 'delivered').slice(-20).map((l) => l.ms as number));
      const lines = mx.jsonLogs().filter((l) => l.msg === 'message' && (l.filters as Record<string, unknown> | undefined)?.rspamd).slice(-20);
      const rspamdMs = median(lines.map((l) => (l.filters as Record<string, { ms: number }>).rspamd!.ms));
      const clamdMs = median(lines.map((l) => (l.filters as Record<string, { ms: number }>).clamd!.ms));
      const [p, f, r] = [median(times.plain), median(times.fake), median(times.real)];
      console.log(`# DATA-to-250 median (client): ${p.toFixed(1)} ms without filters, ${f.toFixed(1)} ms with instant fake engines (+${(f - p).toFixed(1)}), ${r.toFixed(1)} ms with real rspamd+clamd (+${(r - p).toFixed(1)})`);
      console.log(`# server-side message time median: ${serverMs(plain)} / ${serverMs(fake)} / ${serverMs(mx)} ms; real engines, in parallel: rspamd ${rspamdMs} ms, clamd ${clamdMs} ms`);
      assert.ok(r < p + 2000, 'filters add less than 2 s per message');
    } finally {
      await Promise.all([plain.cleanup(), fake.cleanup()]);
      fakeRspamd.closeAllConnections();
      await Promise.all([new Promise((r) => fakeRspamd.close(r)), new Promise((r) => fakeClamd.close(r))]);
    }
  });

  it('clamd stopped: 451 4.3.0 and nothing stored; after its restart mail flows again', async () => {
    await clamd.stop();
    try {
      const token = uniqueToken('noclamd');
      const { reply } = await send(mail(`report ${token}`, 'The quarterly report is attached in spirit.'));
      assert.equal(reply.code, 451, reply.text);
      assert.equal(reply.enhanced, '4.3.0');
      assert.match(reply.text, /could not be scanned for viruses/);
      assert.deepEqual(await stored(token), { inbox: 0, junk: 0 });
      assert.ok(mx.jsonLogs().some((l) => l.msg === 'clamd unavailable, message deferred' && l.level === 'warn'));
    } finally {
      await clamd.restart();
    }
    const token = uniqueToken('clamdback');
    assert.equal((await send(mail(`report ${token}`, 'Again.'))).reply.code, 250);
  });

  it('rspamd stopped: accepted unfiltered (no X-Spam-Status) with a warning in the log', async () => {
    await rspamd.stop();
    try {
      const token = uniqueToken('norspamd');
      const { reply } = await send(mail(`minutes ${token}`, 'Minutes of the meeting.'));
      assert.equal(reply.code, 250, reply.text);
      assert.deepEqual(await stored(token), { inbox: 1, junk: 0 });
      const f = await fields(token, 'INBOX');
      assert.ok(!f.some(([n]) => n.startsWith('x-spam')));
      const warn = mx.jsonLogs().find((l) => l.msg === 'rspamd unavailable, message accepted unfiltered');
      assert.equal(warn?.level, 'warn');
      assert.equal(warn?.outcome, 'unfiltered');
    } finally {
      await rspamd.restart();
    }
  });
});
