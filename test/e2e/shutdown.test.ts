// SIGTERM: new commands get 421, an in-flight transaction either finishes (250, stored once) or is
// aborted (not stored at all), the process exits within 10 s, and the data survives a restart.

import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { MailroomInstance, SmtpClient, rawDeliver, buildMessage, uniqueToken, dotStuff, sleep, type Reply } from './harness.js';

const DOMAIN = 'e2e.test';
const ALICE = `alice@${DOMAIN}`;
const SENDER = 'sender@client.example';

let mx: MailroomInstance;
const codes = (rs: Reply[]) => rs.map((r) => r.text).join(' | ');
const baseline: string[] = [];

async function deliverBaseline(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const token = uniqueToken('base');
    const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: buildMessage({ from: SENDER, to: ALICE, subject: token, body: `baseline ${token}` }) });
    assert.equal(res.ok, true, res.final?.text);
    baseline.push(token);
  }
}

async function assertBaselineOnce(): Promise<void> {
  const list = await mx.mailLs(ALICE);
  for (const token of baseline) {
    const n = list.filter((m) => m.subject === token).length;
    assert.equal(n, 1, `${token} present exactly once after restart (found ${n})`);
  }
}

/** Connects after SIGTERM: refused, or a 421 greeting, or closed; never a 220. */
async function assertNewConnectionsRefused(port: number): Promise<string> {
  let c: SmtpClient;
  try {
    c = await SmtpClient.connect(port, { timeoutMs: 2000 });
  } catch (err) {
    return `connect failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  try {
    const g = await c.tryReadReply(3000);
    if (g === 'closed') return 'closed without greeting';
    assert.ok(g !== 'timeout', 'a new connection during shutdown is answered or refused, not left hanging');
    assert.equal(g.code, 421, `a new connection during shutdown gets 421, got ${g.text}`);
    return g.text;
  } finally { c.destroy(); }
}

async function midData(token: string): Promise<{ c: SmtpClient; rest: Buffer; whole: Buffer }> {
  const c = await SmtpClient.open(mx.port, { ehlo: 'mid.client.example' });
  assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
  assert.equal((await c.command(`RCPT TO:<${ALICE}>`)).code, 250);
  assert.equal((await c.command('DATA')).code, 354);
  const whole = Buffer.from(buildMessage({ from: SENDER, to: ALICE, subject: token, body: `in flight ${token}\r\n`.repeat(2000) }), 'utf8');
  const stuffed = dotStuff(whole);
  const half = Math.floor(stuffed.length / 2);
  await c.write(stuffed.subarray(0, half));
  return { c, rest: stuffed.subarray(half), whole };
}

describe('graceful shutdown on SIGTERM', { timeout: 110_000 }, () => {
  before(async () => {
    mx = await MailroomInstance.start({ users: [ALICE] });
  });
  after(async () => { await mx?.cleanup(); });
  // Each test starts from a running daemon, even when the one before left it stuck or dead.
  beforeEach(async () => {
    if (mx && mx.alive && mx.child && mx.child.signalCode === null && mx.child.exitCode === null) {
      const c = await SmtpClient.connect(mx.port, { timeoutMs: 1000 }).catch(() => null);
      const g = c ? await c.tryReadReply(2000) : 'closed';
      c?.destroy();
      if (g !== 'closed' && g !== 'timeout' && g.code === 220) return;
      console.log('# daemon alive but not greeting before this test; killing it');
      await mx.kill();
    }
    if (mx && !mx.alive) await mx.start();
  });

  test('idle session gets 421, the mid-DATA transaction finishes or aborts cleanly, exit within 10 s', async () => {
    await deliverBaseline(3);
    const idle = await SmtpClient.open(mx.port, { ehlo: 'idle.client.example' });
    const token = uniqueToken('inflight');
    const { c: mid, rest, whole } = await midData(token);
    await sleep(200);

    const t0 = Date.now();
    mx.child!.kill('SIGTERM');
    const exited = mx.waitExit(10_000).then((r) => ({ ...r, ms: Date.now() - t0 }));
    await sleep(300);

    // The idle session: a new command gets 421 (the server may also have said 421 first).
    void idle.write('NOOP\r\n');
    const idleReply = await idle.tryReadReply(5000);
    console.log(`# idle session after SIGTERM: ${typeof idleReply === 'string' ? idleReply : idleReply.text}`);
    assert.ok(idleReply !== 'timeout', 'the idle session is answered');
    assert.ok(idleReply !== 'closed', 'the idle session hears 421 before it is closed, not just a close');
    assert.equal(idleReply.code, 421, `idle session after SIGTERM: ${idleReply.text}`);
    assert.ok(await idle.waitClose(5000), 'the idle session is closed');

    const newConn = await assertNewConnectionsRefused(mx.port);
    console.log(`# new connection during shutdown: ${newConn}`);

    // The in-flight transaction: finish the body.
    await mid.write(rest);
    const fin = await mid.tryReadReply(9000);
    let finText: string;
    let accepted = false;
    if (fin === 'closed' || fin === 'timeout') finText = fin;
    else {
      finText = fin.text;
      accepted = fin.code === 250;
      assert.ok(fin.code === 250 || (fin.code >= 400 && fin.code < 500), `the in-flight transaction ends with 250 or a 4xx, got ${fin.text}`);
      if (accepted) {
        void mid.write('MAIL FROM:<' + SENDER + '>\r\n');
        const next = await mid.tryReadReply(3000);
        console.log(`# command after the in-flight 250: ${typeof next === 'string' ? next : next.text}`);
        assert.ok(next !== 'closed' && next !== 'timeout' && (next as Reply).code === 421, `after finishing, the next command gets 421: ${JSON.stringify(next)}`);
      }
    }
    mid.destroy();
    console.log(`# in-flight transaction after SIGTERM: ${finText}`);

    const ex = await exited;
    console.log(`# exit after SIGTERM: code ${ex.code} signal ${ex.signal} in ${ex.ms} ms`);
    assert.ok(ex.ms < 10_000, `exited within 10 s (${ex.ms} ms)`);
    assert.equal(ex.code, 0, `clean exit code (got ${ex.code}, signal ${ex.signal}); tail:\n${mx.tail()}`);

    await mx.start();
    await assertBaselineOnce();
    const found = await mx.findBySubject(ALICE, token);
    if (accepted) {
      assert.equal(found.length, 1, 'the finished transaction is stored once');
      const raw = await mx.mailCat(ALICE, found[0]!.uid);
      assert.ok(raw.subarray(raw.length - whole.length).equals(whole), 'and intact');
      baseline.push(token);
    } else {
      assert.equal(found.length, 0, `an aborted transaction leaves nothing (reply was ${finText})`);
    }
  });

  test('a stalled mid-DATA client does not hold the exit past 10 s, and nothing half is stored', async () => {
    await deliverBaseline(2);
    const token = uniqueToken('stalled');
    const { c: mid } = await midData(token);
    const idle = await SmtpClient.open(mx.port); // not even EHLO
    await sleep(200);
    const t0 = Date.now();
    mx.child!.kill('SIGTERM');
    const ex = await mx.waitExit(12_000).then((r) => ({ ...r, ms: Date.now() - t0 }), async (err: Error) => {
      await mx.kill();
      throw err;
    });
    console.log(`# exit with a stalled client: code ${ex.code} signal ${ex.signal} in ${ex.ms} ms`);
    assert.ok(ex.ms < 10_000, `exited within 10 s (${ex.ms} ms)`);
    assert.equal(ex.code, 0, `clean exit code (got ${ex.code}, signal ${ex.signal})`);
    const { replies } = await mid.readAll(200, 2000);
    console.log(`# stalled client heard: ${codes(replies)}${mid.closed ? ' (closed)' : ''}`);
    assert.ok(!replies.some((r) => r.code === 250), 'no 250 for the stalled transaction');
    assert.ok(mid.closed, 'the stalled client was disconnected');
    mid.destroy();
    idle.destroy();

    await mx.start();
    await assertBaselineOnce();
    assert.equal((await mx.findBySubject(ALICE, token)).length, 0, 'nothing of the stalled message was stored');
  });

  test('SIGTERM with no sessions exits promptly; the port is free afterwards and data survives', async () => {
    await deliverBaseline(1);
    const s = await mx.stop(10_000);
    console.log(`# idle daemon stopped in ${s.ms} ms (code ${s.code})`);
    assert.equal(s.code, 0);
    assert.ok(s.ms < 5000, `an idle daemon stops quickly (${s.ms} ms)`);
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(mx.port, '127.0.0.1', () => srv.close(() => resolve()));
    });
    await mx.start();
    await assertBaselineOnce();
    const token = uniqueToken('after');
    const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: buildMessage({ from: SENDER, to: ALICE, subject: token, body: 'after restarts' }) });
    assert.equal(res.ok, true);
  });
});
