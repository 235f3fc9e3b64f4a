// Inbound mail from real clients (swaks, Python smtplib, nodemailer) and the raw client lands in
// the right mailboxes, intact, with Received and Return-Path; refusals carry the right codes.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import nodemailer from 'nodemailer';
import {
  MailroomInstance, SmtpClient, rawDeliver, buildMessage, uniqueToken, run, splitMessage, headerFields, waitFor,
  type MailSummaryJson,
} from './harness.js';

const DOMAIN = 'e2e.test';
const CATCH_DOMAIN = 'catch.e2e.test';
const ALICE = `alice@${DOMAIN}`;
const BOB = `bob@${DOMAIN}`;
const CAROL = `carol@${DOMAIN}`;
const TEAM = `team@${DOMAIN}`; // alias -> carol
const SENDER = 'sender@client.example';

const hasSwaks = spawnSync('swaks', ['--version'], { stdio: 'ignore' }).status === 0;
const hasPython = spawnSync('python3', ['-c', 'import smtplib, ssl'], { stdio: 'ignore' }).status === 0;

let mx: MailroomInstance;

/** Waits for exactly one message with token in the subject, fetches it, checks the trace headers. */
async function fetchDelivered(address: string, token: string): Promise<{ summary: MailSummaryJson; raw: Buffer }> {
  const found = await waitFor(async () => {
    const list = await mx.findBySubject(address, token);
    return list.length ? list : null;
  }, 5000, `a message "${token}" in ${address}`);
  assert.equal(found.length, 1, `exactly one copy of ${token} in ${address}: ${JSON.stringify(found)}`);
  const summary = found[0]!;
  assert.equal(summary.folder, 'INBOX');
  assert.equal(typeof summary.uid, 'number');
  assert.equal(typeof summary.size, 'number');
  const raw = await mx.mailCat(address, summary.uid);
  assert.equal(summary.size, raw.length, 'mail ls size equals the bytes mail cat prints');
  return { summary, raw };
}

function assertTrace(raw: Buffer, envelopeFrom: string): void {
  const { header } = splitMessage(raw);
  const fields = headerFields(header);
  assert.equal(fields[0]?.[0], 'return-path', `first header is Return-Path; headers:\n${header.slice(0, 800)}`);
  assert.equal(fields[0]?.[1], `<${envelopeFrom}>`);
  const received = fields.filter(([k]) => k === 'received');
  assert.ok(received.length >= 1, 'a Received header');
  assert.match(received[0]![1], /mx\.e2e\.test/, 'Received names this server');
  // Trace headers come before the message's own headers.
  const firstOwn = fields.findIndex(([k]) => k !== 'return-path' && k !== 'received');
  const lastTrace = fields.findIndex(([k]) => k === 'received');
  assert.ok(lastTrace < firstOwn, 'Received is prepended');
}

describe('inbound mail from real clients', { timeout: 110_000 }, () => {
  before(async () => {
    mx = await MailroomInstance.start({
      limits: { maxMessageSize: '100K' },
      domains: [DOMAIN, CATCH_DOMAIN],
      users: [ALICE, BOB, CAROL],
      aliases: { [TEAM]: [CAROL], [`@${CATCH_DOMAIN}`]: [BOB] },
    });
  });
  after(async () => { await mx?.cleanup(); });

  test('swaks, plain', { skip: !hasSwaks && 'swaks not installed' }, async () => {
    const token = uniqueToken('swaksplain');
    const res = await run('swaks', ['--server', '127.0.0.1', '--port', String(mx.port), '--from', SENDER, '--to', ALICE,
      '--ehlo', 'swaks.client.example', '--header', `Subject: ${token}`, '--body', `plain body ${token}`], { timeoutMs: 20_000 });
    assert.equal(res.code, 0, `swaks exit ${res.code}\n${res.stdout.toString()}\n${res.stderr}`);
    const { raw } = await fetchDelivered(ALICE, token);
    assertTrace(raw, SENDER);
    assert.ok(raw.includes(`plain body ${token}`), 'body intact');
  });

  test('swaks, STARTTLS', { skip: !hasSwaks && 'swaks not installed' }, async () => {
    const token = uniqueToken('swakstls');
    const res = await run('swaks', ['--server', '127.0.0.1', '--port', String(mx.port), '--from', SENDER, '--to', ALICE, '--tls',
      '--ehlo', 'swaks.client.example', '--header', `Subject: ${token}`, '--body', `tls body ${token}`], { timeoutMs: 20_000 });
    const out = res.stdout.toString();
    assert.equal(res.code, 0, `swaks exit ${res.code}\n${out}\n${res.stderr}`);
    assert.match(out, /TLS started/i, 'swaks negotiated TLS');
    const { raw } = await fetchDelivered(ALICE, token);
    assertTrace(raw, SENDER);
    assert.ok(raw.includes(`tls body ${token}`), 'body intact');
    const received = headerFields(splitMessage(raw).header).find(([k]) => k === 'received')![1];
    assert.match(received, /ESMTPS|TLS/i, `Received records TLS: ${received}`);
  });

  test('Python smtplib with STARTTLS', { skip: !hasPython && 'python3 missing' }, async () => {
    const token = uniqueToken('pysmtp');
    const script = [
      'import smtplib, ssl, sys',
      'port = int(sys.argv[1]); token = sys.argv[2]; frm = sys.argv[3]; to = sys.argv[4]',
      'ctx = ssl._create_unverified_context()',
      's = smtplib.SMTP("127.0.0.1", port, local_hostname="py.client.example", timeout=15)',
      's.ehlo()',
      'assert s.has_extn("starttls"), "no STARTTLS advertised"',
      's.starttls(context=ctx)',
      's.ehlo()',
      'msg = ("From: <%s>\\r\\nTo: <%s>\\r\\nSubject: %s\\r\\nMessage-ID: <%s@py>\\r\\n\\r\\npython body %s\\r\\n.leading dot line\\r\\n" % (frm, to, token, token, token)).encode()',
      'refused = s.sendmail(frm, [to], msg)',
      'assert not refused, refused',
      's.quit()',
      'print("OK")',
    ].join('\n');
    const res = await run('python3', ['-c', script, String(mx.port), token, SENDER, ALICE], { timeoutMs: 20_000 });
    assert.equal(res.code, 0, `python exit ${res.code}\n${res.stdout.toString()}\n${res.stderr}`);
    const { raw } = await fetchDelivered(ALICE, token);
    assertTrace(raw, SENDER);
    assert.ok(raw.includes(`python body ${token}\r\n.leading dot line\r\n`), 'body intact, dot-stuffing undone');
  });

  test('nodemailer, requireTLS', async () => {
    const token = uniqueToken('nodemailer');
    const transport = nodemailer.createTransport({
      host: '127.0.0.1', port: mx.port, secure: false, requireTLS: true, name: 'nm.client.example',
      tls: { rejectUnauthorized: false }, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000,
    });
    try {
      const info = await transport.sendMail({
        envelope: { from: SENDER, to: [ALICE] },
        from: SENDER, to: ALICE, subject: token, text: `nodemailer body ${token}\nsecond line`,
      });
      assert.deepEqual(info.accepted, [ALICE]);
      assert.match(info.response, /^250 /);
    } finally { transport.close(); }
    const { raw } = await fetchDelivered(ALICE, token);
    assertTrace(raw, SENDER);
    assert.ok(raw.includes(`nodemailer body ${token}`), 'body intact');
  });

  test('unknown user gets 550 5.1.1, session continues', async () => {
    const c = await SmtpClient.open(mx.port, { ehlo: 'client.example' });
    try {
      assert.equal((await c.command(`MAIL FROM:<${SENDER}>`)).code, 250);
      const r = await c.command(`RCPT TO:<nobody-${uniqueToken()}@${DOMAIN}>`);
      assert.equal(r.code, 550, r.text);
      assert.equal(r.enhanced, '5.1.1', r.text);
      const ok = await c.command(`RCPT TO:<${ALICE}>`);
      assert.equal(ok.code, 250, 'a good recipient after a bad one is accepted');
      assert.equal((await c.command('RSET')).code, 250);
    } finally { await c.quit(); }
  });

  test('foreign recipient gets 550 5.7.1 and nothing is relayed', async () => {
    const token = uniqueToken('relay');
    const res = await rawDeliver(mx.port, { from: SENDER, to: [`victim@example.org`], message: buildMessage({ from: SENDER, to: 'victim@example.org', subject: token, body: 'relay me' }) });
    assert.equal(res.rcpts[0]?.code, 550, res.rcpts[0]?.text);
    assert.equal(res.rcpts[0]?.enhanced, '5.7.1', res.rcpts[0]?.text);
    assert.equal(res.ok, false);
    // The sender address is local-looking too: still no relay for an unauthenticated client.
    const res2 = await rawDeliver(mx.port, { from: ALICE, to: ['victim@example.org'], message: buildMessage({ from: ALICE, to: 'victim@example.org', subject: token, body: 'relay me' }) });
    assert.equal(res2.rcpts[0]?.code, 550, res2.rcpts[0]?.text);
    const q = await mx.cli(['queue', 'ls', '--json'], { allowFail: true });
    if (q.code === 0) {
      const text = q.stdout.toString();
      assert.ok(!text.includes('victim@example.org'), `nothing queued for the foreign recipient: ${text}`);
    }
  });

  test('oversized message gets 552 5.3.4 (declared SIZE and undeclared)', async () => {
    const c = await SmtpClient.open(mx.port);
    try {
      const ehlo = await c.command('EHLO client.example');
      const size = ehlo.lines.map((l) => /^250[ -]SIZE\s+(\d+)/i.exec(l)).find(Boolean);
      assert.ok(size, `SIZE advertised: ${ehlo.text}`);
      assert.equal(Number(size![1]), 100 * 1024);
      const r = await c.command(`MAIL FROM:<${SENDER}> SIZE=200000`);
      assert.equal(r.code, 552, r.text);
      assert.equal(r.enhanced, '5.3.4', r.text);
    } finally { await c.quit(); }

    const token = uniqueToken('big');
    const big = buildMessage({ from: SENDER, to: ALICE, subject: token, body: ('x'.repeat(76) + '\n').repeat(2000) }); // ~156 KB
    const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: big });
    assert.equal(res.ok, false);
    const refusal = res.final ?? res.data;
    assert.equal(refusal?.code, 552, refusal?.text);
    assert.equal(refusal?.enhanced, '5.3.4', refusal?.text);
    assert.equal((await mx.findBySubject(ALICE, token)).length, 0, 'nothing stored');
    // A message just under the limit still goes through.
    const token2 = uniqueToken('fits');
    const fits = buildMessage({ from: SENDER, to: ALICE, subject: token2, body: ('y'.repeat(76) + '\n').repeat(1100) }); // ~86 KB
    const ok = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: fits });
    assert.equal(ok.ok, true, ok.final?.text);
    await fetchDelivered(ALICE, token2);
  });

  test('one message to three local recipients, one through an alias', async () => {
    const token = uniqueToken('multi');
    const msg = buildMessage({ from: SENDER, to: [ALICE, BOB, TEAM], subject: token, body: `for three ${token}` });
    const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE, BOB, TEAM], message: msg });
    assert.deepEqual(res.rcpts.map((r) => r.code), [250, 250, 250]);
    assert.equal(res.ok, true, res.final?.text);
    for (const who of [ALICE, BOB, CAROL]) {
      const { raw } = await fetchDelivered(who, token);
      assertTrace(raw, SENDER);
      assert.ok(raw.includes(Buffer.from(msg)), `${who} has the message byte-exact after the trace headers`);
    }
  });

  test('catch-all alias takes any local part of its domain', async () => {
    const token = uniqueToken('catchall');
    const rcpt = `whoever-${token}@${CATCH_DOMAIN}`;
    const res = await rawDeliver(mx.port, { from: SENDER, to: [rcpt], message: buildMessage({ from: SENDER, to: rcpt, subject: token, body: 'caught' }) });
    assert.equal(res.rcpts[0]?.code, 250, res.rcpts[0]?.text);
    assert.equal(res.ok, true, res.final?.text);
    await fetchDelivered(BOB, token);
    // The catch-all does not make the other domain accept unknown users.
    const res2 = await rawDeliver(mx.port, { from: SENDER, to: [`whoever-${token}@${DOMAIN}`], message: 'x' });
    assert.equal(res2.rcpts[0]?.code, 550);
  });

  test('8-bit UTF-8 (Vietnamese) body survives byte-exact', async () => {
    const token = uniqueToken('utf8');
    const body = [
      'Tiếng Việt có dấu: Xin chào thế giới! Đây là một thư điện tử kiểm tra.',
      'Những chữ cái: ă â đ ê ô ơ ư — Ắ Ằ Ẳ Ẵ Ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự',
      `Tổ hợp (NFD): ${'Tiếng Việt đã được'.normalize('NFD')}`, // decomposed forms must not be normalised
      '.Dòng bắt đầu bằng dấu chấm',
      '',
      `mã: ${token}`,
    ].join('\r\n') + '\r\n';
    const msg = buildMessage({ from: SENDER, to: ALICE, subject: token, body });
    const bytes = Buffer.from(msg, 'utf8');
    const c = await SmtpClient.open(mx.port);
    try {
      const ehlo = await c.command('EHLO client.example');
      assert.ok(ehlo.lines.some((l) => /8BITMIME/i.test(l)), `8BITMIME advertised: ${ehlo.text}`);
    } finally { await c.quit(); }
    const res = await rawDeliver(mx.port, { from: SENDER, to: [ALICE], message: bytes, mailParams: 'BODY=8BITMIME' });
    assert.equal(res.ok, true, res.final?.text ?? res.mail?.text);
    const { raw } = await fetchDelivered(ALICE, token);
    assertTrace(raw, SENDER);
    assert.ok(raw.subarray(raw.length - bytes.length).equals(bytes), 'the stored message ends with exactly the bytes sent');
    assert.deepEqual(splitMessage(raw).body, splitMessage(bytes).body);
  });

  test('logs are JSON lines with cid, and deliveries log qid and outcome', async () => {
    const lines = mx.logs.filter((l) => l.generation === 1);
    assert.ok(lines.length > 0, 'the daemon logged something');
    const bad = lines.filter((l) => !l.json);
    assert.deepEqual(bad.map((l) => l.raw), [], 'every stdout line is JSON');
    const json = mx.jsonLogs();
    assert.ok(json.some((j) => 'cid' in j), 'connection lines carry cid');
    assert.ok(json.some((j) => 'qid' in j && 'outcome' in j), `a delivery line with qid and outcome; tail:\n${mx.tail(10)}`);
  });
});
