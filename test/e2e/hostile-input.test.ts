// Hostile and broken clients: malformed commands, huge lines, binary garbage, clients that vanish,
// SMTP smuggling, pipelining abuse, early talkers, thousands of idle connections, per-IP limits.
// After each, the daemon keeps serving and stores nothing it should not.

import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  MailroomInstance, SmtpClient, rawDeliver, buildMessage, uniqueToken, sleep, hasBareLineEndings, dotStuff, prng,
  type Reply,
} from './harness.js';

const DOMAIN = 'e2e.test';
const ALICE = `alice@${DOMAIN}`;
const BOB = `bob@${DOMAIN}`;
const SENDER = 'sender@client.example';
const PER_IP = 25;

let mx: MailroomInstance;

async function assertStillServing(what: string): Promise<void> {
  assert.ok(mx.alive, `daemon alive after ${what}; tail:\n${mx.tail()}`);
  const token = uniqueToken('alive');
  const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: buildMessage({ from: SENDER, to: ALICE, subject: token, body: `still serving after ${what}` }) });
  assert.equal(res.ok, true, `a normal delivery after ${what}: ${res.final?.text ?? res.data?.text ?? res.rcpts[0]?.text ?? res.mail?.text}`);
  const found = await mx.findBySubject(ALICE, token);
  assert.equal(found.length, 1, `the delivery after ${what} is stored once`);
}

const is5xx = (r: Reply) => r.code >= 500 && r.code < 600;
const codes = (rs: Reply[]) => rs.map((r) => r.text).join(' | ');

describe('hostile input', { timeout: 280_000 }, () => {
  before(async () => {
    mx = await MailroomInstance.start({
      limits: { maxMessageSize: '1M', connectionsPerIp: PER_IP, maxConnections: 5000, idleTimeout: 120, maxErrors: 10 },
      users: [ALICE, BOB],
    });
  });
  after(async () => { await mx?.cleanup(); });
  // A daemon that died in one test fails that test (assertStillServing); start it again so the
  // remaining tests still say something about themselves.
  beforeEach(async () => {
    if (mx && !mx.alive) {
      console.log(`# daemon found dead before this test; restarting. tail:\n${mx.tail(5)}`);
      await mx.start();
    }
  });

  test('malformed commands get 5xx and the session continues', async () => {
    const c = await SmtpClient.open(mx.port);
    try {
      const bad: [string, number[]][] = [
        ['HELO', [501]],
        ['EHLO', [501]],
        ['FROBNICATE the mail', [500, 502]],
        ['RCPT TO:<' + ALICE + '>', [503]],
        ['DATA', [503]],
      ];
      for (const [line, expect] of bad) {
        const r = await c.command(line);
        assert.ok(expect.includes(r.code), `${line} -> expected ${expect.join('/')}, got ${r.text}`);
      }
      assert.equal((await c.command('EHLO client.example')).code, 250);
      const badAfterEhlo = ['MAIL FROM:<unterminated@client.example', 'MAIL TO:<' + SENDER + '>', 'MAIL FROM:<' + SENDER + '> SIZE=abc'];
      for (const line of badAfterEhlo) {
        const r = await c.command(line);
        assert.ok(is5xx(r), `${line} -> expected 5xx, got ${r.text}`);
      }
      assert.equal((await c.command('NOOP')).code, 250, 'NOOP still works');
      // A whole transaction in the same session.
      const token = uniqueToken('aftermalformed');
      assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
      assert.equal((await c.command(`RCPT TO:<${ALICE}>`)).code, 250);
      assert.equal((await c.command('DATA')).code, 354);
      void c.write(dotStuff(buildMessage({ from: SENDER, to: ALICE, subject: token, body: 'after malformed' })));
      const fin = await c.readReply();
      assert.equal(fin.code, 250, fin.text);
      assert.equal((await mx.findBySubject(ALICE, token)).length, 1);
    } finally { await c.quit(); }
  });

  test('an unknown MAIL FROM parameter gets 555 (RFC 5321 4.1.1.11)', async () => {
    const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    try {
      const r = await c.command(`MAIL FROM:<${SENDER}> NOSUCHPARAM=1`);
      assert.ok(r.code === 555 || r.code === 501, `MAIL FROM with an unknown parameter -> expected 555 5.5.4 (or 501), got ${r.text}`);
      assert.equal((await c.command('NOOP')).code, 250);
    } finally { await c.quit(); }
  });

  test('too many errors closes the session', async () => {
    const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    try {
      let closed = false;
      const seen: Reply[] = [];
      for (let i = 0; i < 20 && !closed; i++) {
        void c.write('XYZZY\r\n');
        const r = await c.tryReadReply(5000);
        if (r === 'closed') closed = true;
        else if (r === 'timeout') break;
        else seen.push(r);
      }
      if (!closed) closed = await c.waitClose(3000);
      assert.ok(closed, `closed after repeated errors; replies: ${codes(seen)}`);
      assert.ok(seen.length <= 11, `closed after about maxErrors (10) errors, got ${seen.length} replies`);
      assert.ok(seen.every((r) => r.code >= 400), codes(seen));
    } finally { c.destroy(); }
  });

  test('a 1 MB command line is refused and the daemon keeps serving', async () => {
    const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    try {
      void c.write('NOOP ' + 'A'.repeat(1024 * 1024) + '\r\n');
      const { replies, closed } = await c.readAll(2000, 15_000);
      assert.ok(replies.length > 0 || closed, 'an error reply or a close');
      assert.ok(replies.every((r) => r.code >= 400), `no success for a 1 MB line: ${codes(replies).slice(0, 300)}`);
      assert.ok(replies.length <= 3, `not one error per chunk: ${replies.length} replies`);
      if (!closed) {
        const r = await c.tryReadReply(100);
        assert.ok(r === 'timeout' || r === 'closed');
        const n = await c.command('NOOP');
        assert.equal(n.code, 250, 'the session continues after a refused long line');
      }
    } finally { c.destroy(); }
    // The same without any line end, then a vanish.
    const c2 = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    await c2.write(Buffer.alloc(1024 * 1024, 0x42));
    await sleep(300);
    c2.destroy();
    await assertStillServing('a 1 MB line');
  });

  test('binary garbage gets no success and the daemon keeps serving', async () => {
    const c = await SmtpClient.open(mx.port);
    try {
      const garbage = randomBytes(64 * 1024);
      garbage[0] = 0; garbage[1] = 0xff;
      void c.write(garbage);
      const { replies, closed } = await c.readAll(2000, 15_000);
      assert.ok(replies.every((r) => r.code >= 400 || r.code === 0), `only errors for garbage: ${codes(replies).slice(0, 300)}`);
      assert.ok(closed || replies.length > 0, 'garbage got error replies or a close');
    } finally { c.destroy(); }
    // Garbage inside DATA is just a (strange) body; after a vanish nothing is stored.
    await assertStillServing('binary garbage');
  });

  test('a client that vanishes mid-DATA leaves nothing stored', async () => {
    const token = uniqueToken('vanish');
    const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
    assert.equal((await c.command(`RCPT TO:<${ALICE}>`)).code, 250);
    assert.equal((await c.command(`RCPT TO:<${BOB}>`)).code, 250);
    assert.equal((await c.command('DATA')).code, 354);
    const msg = buildMessage({ from: SENDER, to: ALICE, subject: token, body: 'half a message\r\n'.repeat(4000) });
    await c.write(msg.slice(0, Math.floor(msg.length / 2)));
    await sleep(200);
    c.socket.resetAndDestroy();
    await sleep(1000);
    assert.equal((await mx.findBySubject(ALICE, token)).length, 0, 'nothing stored for alice');
    assert.equal((await mx.findBySubject(BOB, token)).length, 0, 'nothing stored for bob');
    await assertStillServing('a client vanishing mid-DATA');
  });

  const smuggleVariants: [string, string][] = [
    ['LF.LF', '\n.\n'],
    ['LF.CRLF', '\n.\r\n'],
    ['CR.CRLF', '\r.\r\n'],
    ['CRLF.CR', '\r\n.\r'],
    ['CRLF.LF', '\r\n.\n'],
    ['CR.CR', '\r.\r'],
    ['LF.CR', '\n.\r'],
  ];
  for (const [name, seq] of smuggleVariants) {
    test(`SMTP smuggling with ${name} stores no second message`, async () => {
      const token = uniqueToken('smuggle');
      const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
      let after: Reply[] = [];
      try {
        assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
        assert.equal((await c.command(`RCPT TO:<${ALICE}>`)).code, 250);
        assert.equal((await c.command('DATA')).code, 354);
        const first = `From: <${SENDER}>\r\nTo: <${ALICE}>\r\nSubject: outer-${token}\r\n\r\nfirst part`;
        const smuggled = `MAIL FROM:<x@evil.test>\r\nRCPT TO:<${BOB}>\r\nDATA\r\nFrom: <x@evil.test>\r\nSubject: smuggled-${token}\r\n\r\nsmuggled\r\n.\r\n`;
        void c.write(first + seq + smuggled + '\r\n.\r\n');
        await sleep(300);
        void c.write('QUIT\r\n');
        after = (await c.readAll(1500, 10_000)).replies;
      } finally { c.destroy(); }
      await sleep(300);
      console.log(`# smuggling ${name}: replies after the body: ${codes(after)}`);
      const bobs = await mx.findBySubject(BOB, token);
      assert.equal(bobs.length, 0, `smuggled message delivered to bob! replies: ${codes(after)}`);
      const evil = (await mx.mailLs(BOB)).filter((m) => (m.from ?? '').includes('evil.test'));
      assert.equal(evil.length, 0, 'nothing from evil.test in bob');
      // The server accepted at most one message in this session.
      const twoFifties = after.filter((r) => r.code === 250);
      assert.ok(twoFifties.length <= 1, `at most one 250 after the body (no MAIL/RCPT accepted from inside DATA): ${codes(after)}`);
      const alices = await mx.findBySubject(ALICE, token);
      assert.ok(alices.length <= 1, 'at most one outer message');
      if (alices.length === 1) {
        const raw = await mx.mailCat(ALICE, alices[0]!.uid);
        assert.equal(hasBareLineEndings(raw), false, `stored without bare CR or LF: ${JSON.stringify(raw.toString('latin1').slice(-300))}`);
        assert.ok(raw.includes('smuggled'), 'the stored outer message holds the would-be commands as body text');
      }
    });
  }

  for (const [name, bare] of [['bare LF', '\n'], ['bare CR', '\r']] as const) {
    test(`a ${name} inside an ordinary body line is refused or normalised, never stored as is`, async () => {
      const token = uniqueToken('bare');
      const msg = `From: <${SENDER}>\r\nTo: <${ALICE}>\r\nSubject: ${token}\r\n\r\nbefore${bare}after\r\nlast line\r\n`;
      const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
      let fin: Reply | 'closed' | 'timeout';
      try {
        assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
        assert.equal((await c.command(`RCPT TO:<${ALICE}>`)).code, 250);
        assert.equal((await c.command('DATA')).code, 354);
        void c.write(msg + '.\r\n');
        fin = await c.tryReadReply(10_000);
      } finally { await c.quit(); }
      console.log(`# ${name} in a body line: ${typeof fin === 'string' ? fin : fin.text}`);
      assert.ok(fin !== 'timeout' && fin !== 'closed', 'an answer after the final dot');
      const found = await mx.findBySubject(ALICE, token);
      if (fin.code === 250) {
        assert.equal(found.length, 1);
        const raw = await mx.mailCat(ALICE, found[0]!.uid);
        assert.equal(hasBareLineEndings(raw), false, `stored without bare CR or LF: ${JSON.stringify(raw.toString('latin1').slice(-80))}`);
      } else {
        assert.ok(is5xx(fin), fin.text);
        assert.equal(found.length, 0);
      }
    });
  }

  test('a 600 KB line inside DATA is stored intact or refused, and the daemon keeps serving', async () => {
    const token = uniqueToken('longbody');
    const longLine = 'L'.repeat(600 * 1024);
    const msg = buildMessage({ from: SENDER, to: ALICE, subject: token, body: `start\r\n${longLine}\r\nend ${token}\r\n` });
    const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: msg, timeoutMs: 20_000 });
    console.log(`# 600 KB body line: ${res.final?.text ?? res.data?.text}`);
    const found = await mx.findBySubject(ALICE, token);
    if (res.ok) {
      assert.equal(found.length, 1);
      const raw = await mx.mailCat(ALICE, found[0]!.uid);
      assert.ok(raw.subarray(raw.length - Buffer.byteLength(msg)).equals(Buffer.from(msg)), 'stored byte-exact');
    } else {
      assert.ok(res.final && is5xx(res.final), `refused with 5xx: ${res.final?.text}`);
      assert.equal(found.length, 0);
    }
    await assertStillServing('a 600 KB body line');
  });

  test('standard PIPELINING (MAIL, RCPT, DATA in one write) works', async () => {
    const token = uniqueToken('pipeok');
    const c = await SmtpClient.open(mx.port);
    try {
      const ehlo = await c.command('EHLO client.example');
      assert.ok(ehlo.lines.some((l) => /PIPELINING/i.test(l)), `PIPELINING advertised: ${ehlo.text}`);
      void c.write(`MAIL FROM:<${SENDER}>\r\nRCPT TO:<${ALICE}>\r\nRCPT TO:<nobody-${token}@${DOMAIN}>\r\nDATA\r\n`);
      const rs = [await c.readReply(), await c.readReply(), await c.readReply(), await c.readReply()];
      assert.deepEqual(rs.map((r) => r.code), [250, 250, 550, 354], codes(rs));
      void c.write(dotStuff(buildMessage({ from: SENDER, to: ALICE, subject: token, body: 'pipelined' })));
      assert.equal((await c.readReply()).code, 250);
    } finally { await c.quit(); }
    assert.equal((await mx.findBySubject(ALICE, token)).length, 1);
  });

  test('pipelining abuse (the body sent with DATA, before 354) is refused', async () => {
    const token = uniqueToken('pipeabuse');
    const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    let replies: Reply[] = [];
    try {
      assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
      assert.equal((await c.command(`RCPT TO:<${ALICE}>`)).code, 250);
      void c.write(Buffer.concat([Buffer.from('DATA\r\n'), dotStuff(buildMessage({ from: SENDER, to: ALICE, subject: token, body: 'sent too early' }))]));
      replies = (await c.readAll(2000, 10_000)).replies;
    } finally { c.destroy(); }
    await sleep(300);
    console.log(`# pipelining abuse got: ${codes(replies)}`);
    assert.equal((await mx.findBySubject(ALICE, token)).length, 0, `nothing stored; replies: ${codes(replies)}`);
    assert.ok(!replies.some((r) => r.code === 250), `no 250 for the early body: ${codes(replies)}`);
    assert.ok(replies.some(is5xx), `a 5xx refusal: ${codes(replies)}`);
  });

  test('an early talker (sending before the greeting) is refused', async () => {
    // A source address no other test uses: a client that passed the pregreet test is greeted
    // at once for a day, so only an unknown client is made to wait.
    const c = await SmtpClient.connect(mx.port, { localAddress: '127.0.0.250' });
    let res: { replies: Reply[]; closed: boolean };
    try {
      void c.write(`EHLO early.example\r\nMAIL FROM:<${SENDER}>\r\nRCPT TO:<${ALICE}>\r\n`);
      res = await c.readAll(3000, 15_000);
    } finally { c.destroy(); }
    const replies = res.replies;
    console.log(`# early talker got: ${codes(replies)}${res.closed ? ' (closed)' : ''}`);
    assert.ok(!replies.some((r) => r.code === 250), `no 250 for a client that talked first: ${codes(replies)}`);
    assert.ok(res.closed || replies.some(is5xx), `refused (5xx or close): ${codes(replies)}`);
  });

  test('2000 idle connections (spread over 127.0.0.x) while a real client still delivers', { timeout: 150_000 }, async () => {
    const perAddress = 20; // under PER_IP
    const total = 2000;
    const clients: SmtpClient[] = [];
    const t0 = Date.now();
    try {
      const batch = 100;
      for (let i = 0; i < total; i += batch) {
        const opened = await Promise.all(Array.from({ length: Math.min(batch, total - i) }, (_, k) => {
          const n = i + k;
          const localAddress = `127.0.0.${2 + Math.floor(n / perAddress)}`;
          return SmtpClient.connect(mx.port, { localAddress, timeoutMs: 10_000 });
        }));
        clients.push(...opened);
        assert.ok(Date.now() - t0 < 40_000, 'opening connections took too long');
      }
      const greetings = await Promise.all(clients.map((c) => c.tryReadReply(15_000)));
      const bad = greetings.filter((g) => g === 'closed' || g === 'timeout' || g.code !== 220);
      assert.equal(bad.length, 0, `every idle connection was greeted: ${bad.length} not, e.g. ${JSON.stringify(bad.slice(0, 3))}`);
      const openedMs = Date.now() - t0;
      const token = uniqueToken('busy');
      const t1 = Date.now();
      const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: buildMessage({ from: SENDER, to: ALICE, subject: token, body: 'while 2000 idle' }) });
      const deliverMs = Date.now() - t1;
      assert.equal(res.ok, true, res.final?.text);
      assert.ok(deliverMs < 5000, `delivery took ${deliverMs} ms`);
      assert.equal((await mx.findBySubject(ALICE, token)).length, 1);
      assert.equal(clients.filter((c) => c.closed).length, 0, 'the idle connections are still held');
      console.log(`# opened ${total} idle connections in ${openedMs} ms; a delivery meanwhile took ${deliverMs} ms`);
    } finally {
      for (const c of clients) c.destroy();
    }
    await sleep(500);
  });

  test(`connections over the per-IP limit (${PER_IP}) get 421`, async () => {
    const held: SmtpClient[] = [];
    try {
      await sleep(500); // earlier sessions from 127.0.0.1 are gone
      for (let i = 0; i < PER_IP; i++) held.push(await SmtpClient.open(mx.port, { timeoutMs: 10_000 }));
      const extra = await SmtpClient.connect(mx.port);
      try {
        const r = await extra.tryReadReply(5000);
        assert.ok(r !== 'timeout', 'an answer for the connection over the limit');
        if (r !== 'closed') {
          assert.equal(r.code, 421, r.text);
          assert.ok(await extra.waitClose(3000), 'closed after 421');
        } else {
          assert.fail('closed without a 421 reply');
        }
      } finally { extra.destroy(); }
      // Another address is not affected.
      const other = await SmtpClient.open(mx.port, { localAddress: '127.0.0.200' });
      await other.quit();
      // Freeing a slot lets the next connection in.
      await held.pop()!.quit();
      const again = await (async () => {
        for (let i = 0; i < 20; i++) {
          const c = await SmtpClient.connect(mx.port);
          const g = await c.tryReadReply(5000);
          if (g !== 'closed' && g !== 'timeout' && g.code === 220) return c;
          c.destroy();
          await sleep(100);
        }
        return null;
      })();
      assert.ok(again, 'a slot freed by QUIT is usable again');
      held.push(again!);
    } finally {
      for (const c of held) c.destroy();
    }
    await sleep(300);
  });

  test('after all of it, a normal delivery works and no evil mail exists', async () => {
    await assertStillServing('the hostile tests');
    for (const who of [ALICE, BOB]) {
      const all = await mx.mailLs(who);
      assert.equal(all.filter((m) => (m.from ?? '').includes('evil.test') || (m.subject ?? '').startsWith('smuggled-')).length, 0);
    }
    assert.ok(mx.alive);
    const stop = await mx.stop();
    assert.ok(stop.ms < 10_000);
  });
});

describe('idle timeout', { timeout: 60_000 }, () => {
  let small: MailroomInstance;
  before(async () => {
    small = await MailroomInstance.start({ limits: { idleTimeout: 5 }, users: [ALICE] });
  });
  after(async () => { await small?.cleanup(); });

  test('a silent client is disconnected after limits.idleTimeout (5 s), a busy one is not', async () => {
    const idle = await SmtpClient.open(small.port, { ehlo: 'idle.example' });
    const busy = await SmtpClient.open(small.port, { ehlo: 'busy.example' });
    const t0 = Date.now();
    try {
      // The busy one sends a NOOP every 2 s.
      const rnd = prng(7);
      let busyOk = true;
      const busyLoop = (async () => {
        while (Date.now() - t0 < 8000) {
          await sleep(1500 + Math.floor(rnd() * 500));
          const r = await busy.noop();
          if (!r) { busyOk = false; return; }
        }
      })();
      const r = await idle.tryReadReply(12_000);
      const ms = Date.now() - t0;
      assert.ok(r !== 'timeout', 'the idle client heard something or was closed');
      if (r !== 'closed') assert.equal(r.code, 421, r.text);
      assert.ok(await idle.waitClose(3000), 'then closed');
      assert.ok(ms >= 4000 && ms < 9000, `closed after ${ms} ms`);
      await busyLoop;
      assert.ok(busyOk, 'the busy client was not cut off');
    } finally { idle.destroy(); busy.destroy(); }
  });
});
