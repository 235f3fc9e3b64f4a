// The rspamd client, check and learner against a real rspamd 3.4 (test/helpers/rspamd-fixture.ts)
// on loopback: GTUBE is rejected, the test rules reach add header, rewrite subject and soft
// reject, a clean message passes with X-Spam-Status: No, the envelope travels in the request
// headers, a 2 MB message streams through; learnSpam/learnHam teach its Bayes classifier. Against
// a fake HTTP server on loopback: HTTP errors, bad JSON, silence and a closed port are
// RspamdError values, which the check turns into accept-with-warning or 451 by config.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRspamdScanner, type RspamdEnvelope } from '../../../mail/pipeline/rspamd-client.js';
import { createRspamdCheck } from '../../../mail/pipeline/rspamd-check.js';
import { createRspamdLearner } from '../../../mail/pipeline/rspamd-learner.js';
import { RspamdError, type MessageSource } from '../../../mail/pipeline/rspamd-http.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import { createLogger } from '../../../core/log.js';
import { GTUBE, JUNK_SUBJECT, REWRITE_SUBJECT, RspamdFixture, SOFT_MESSAGE, SOFT_SUBJECT, rspamdMissing } from '../../helpers/rspamd-fixture.js';

function message(subject: string, body: string, id = `${Math.random().toString(36).slice(2)}@sender.example`): string {
  return [
    'From: Alice Sender <alice@sender.example>', 'To: Bob <bob@example.test>', `Subject: ${subject}`,
    'Date: Mon, 02 Jan 2024 10:00:00 +0000', `Message-ID: <${id}>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body, '',
  ].join('\r\n');
}

function source(text: string | Buffer, chunk = 16 * 1024): MessageSource {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  return {
    size: buf.length,
    async *open() { for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk); },
  };
}

const ENV: RspamdEnvelope = { ip: '127.0.0.1', helo: 'client.sender.example', hostname: 'localhost', mailFrom: 'alice@sender.example', recipients: ['bob@example.test'], queueId: 'Q1', user: null };

function ctx(): CheckContext {
  return { connectionId: 'c1', remoteAddress: '127.0.0.1', remoteHostname: 'localhost', helo: 'client.sender.example', tls: false, authenticatedUser: null, mailFrom: 'alice@sender.example', recipients: ['bob@example.test'], queueId: 'Q1' };
}

const missing = rspamdMissing();

describe('against a real rspamd', { skip: missing ?? false }, () => {
  let rspamd: RspamdFixture;
  before(async () => { rspamd = await RspamdFixture.start(); });
  after(async () => { await rspamd?.cleanup(); });

  test('GTUBE: reject, 554 5.7.1 with rspamd\'s message', async () => {
    const scanner = createRspamdScanner({ url: rspamd.url, timeoutMs: 10_000, mtaName: 'mx.example.test' });
    try {
      const reply = await scanner.check(source(message('hello', `spam spam\r\n${GTUBE}\r\n`)), ENV);
      assert.equal(reply.action, 'reject');
      const check = createRspamdCheck({ scanner, onUnavailable: 'accept', logger: createLogger({ level: 'error' }) });
      const result = await check.data!(ctx(), source(message('hello', GTUBE)));
      assert.deepEqual({ ...result, reason: undefined }, { action: 'reject', code: 554, enhanced: '5.7.1', message: 'Spam message rejected: Gtube pattern', reason: undefined });
    } finally { scanner.close(); }
  });

  test('a clean message: no action, X-Spam-Status: No; the test rules reach add header, rewrite subject and soft reject', async () => {
    const scanner = createRspamdScanner({ url: rspamd.url, timeoutMs: 10_000, mtaName: 'mx.example.test' });
    const check = createRspamdCheck({ scanner, onUnavailable: 'accept', logger: createLogger({ level: 'error' }) });
    try {
      const clean = await check.data!(ctx(), source(message('lunch on friday?', 'Shall we meet at noon at the usual place?')));
      assert.equal(clean.action, 'add-headers');
      assert.match(clean.action === 'add-headers' ? clean.headers[0]![1] : '', /^No, score=-?\d+\.\d\d$/);
      assert.match(clean.action === 'add-headers' ? clean.reason ?? '' : '', /^rspamd: no action score=/);

      const junk = await check.data!(ctx(), source(message(`${JUNK_SUBJECT} offer`, 'Cheap things.')));
      assert.equal(junk.action, 'junk');
      assert.deepEqual(junk.action === 'junk' ? junk.headers?.[0] : null, ['X-Spam', 'Yes']);
      assert.match(junk.action === 'junk' ? junk.reason : '', /^rspamd: add header score=\d+\.\d\d .*MAILROOM_TEST_JUNK\(10\.00\)/);

      const rewrite = await check.data!(ctx(), source(message(`${REWRITE_SUBJECT} Grüße`, 'More cheap things.')));
      assert.equal(rewrite.action, 'junk');
      const subject = rewrite.action === 'junk' ? rewrite.headers?.find(([n]) => n === 'Subject')?.[1] : undefined;
      assert.ok(subject && /^=\?UTF-8\?/.test(subject), `rewritten subject: ${subject}`);
      assert.ok(rewrite.action === 'junk' && rewrite.dropHeaders?.includes('subject'));

      const soft = await check.data!(ctx(), source(message(`${SOFT_SUBJECT} x`, 'Come back later.')));
      assert.deepEqual({ ...soft, reason: undefined }, { action: 'defer', code: 451, enhanced: '4.7.1', message: `Try again later: ${SOFT_MESSAGE}`, reason: undefined });
    } finally { scanner.close(); }
  });

  test('the envelope reaches rspamd: every Rcpt header counts (TO_MATCH_ENVRCPT_ALL only with both)', async () => {
    const scanner = createRspamdScanner({ url: rspamd.url, timeoutMs: 10_000, mtaName: 'mx.example.test' });
    try {
      const msg = message('hi', 'Hello there, see you soon.').replace('To: Bob <bob@example.test>', 'To: bob@example.test, carol@example.test');
      const names = async (recipients: string[]) => (await scanner.check(source(msg), { ...ENV, recipients })).symbols.map((s) => s.name);
      assert.ok((await names(['bob@example.test', 'carol@example.test'])).includes('TO_MATCH_ENVRCPT_ALL'));
      assert.ok((await names(['bob@example.test'])).includes('TO_MATCH_ENVRCPT_SOME'));
      // The null sender (a bounce) is checked like any other message.
      assert.equal(typeof (await scanner.check(source(msg), { ...ENV, mailFrom: '' })).score, 'number');
    } finally { scanner.close(); }
  });

  test('a 2 MB message streams through in chunks', async () => {
    const scanner = createRspamdScanner({ url: rspamd.url, timeoutMs: 20_000, mtaName: 'mx.example.test' });
    try {
      const body = ('The quick brown fox jumps over the lazy dog. '.repeat(30) + '\r\n').repeat(1500);
      const msg = message('big', body);
      assert.ok(msg.length > 2_000_000);
      const reply = await scanner.check(source(msg, 64 * 1024), ENV);
      assert.equal(typeof reply.score, 'number');
    } finally { scanner.close(); }
  });

  test('per-message time: 20 sequential checks of a 4 KB message', async () => {
    const scanner = createRspamdScanner({ url: rspamd.url, timeoutMs: 10_000, mtaName: 'mx.example.test' });
    try {
      const msg = source(message('timing', 'Lorem ipsum dolor sit amet. '.repeat(140)));
      await scanner.check(msg, ENV); // warm-up
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await scanner.check(msg, ENV);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const median = times[10]!;
      console.log(`# rspamd check of a 4 KB message: median ${median.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms (startup ${rspamd.startupMs} ms)`);
      assert.ok(median < 1000, `median ${median} ms`);
    } finally { scanner.close(); }
  });

  test('learnSpam / learnHam teach the Bayes classifier; the same class twice is "already learned"', async () => {
    await rspamd.bayesReady();
    const learner = createRspamdLearner({ url: rspamd.controllerUrl, password: null, timeoutMs: 10_000 });
    try {
      const words = 'Exclusive pharmacy discount offer limited time only click here to claim your prize winner congratulations money transfer urgent reply';
      const spam = message('You won', `${words}\r\n${words}`, 'learn-1@sender.example');
      // The first learn after start can still find a controller process whose Bayes backend is
      // not loaded yet (seen once under load, after bayesReady()'s probe had passed): retried.
      assert.deepEqual(await untilBackendLoaded(() => learner.learnSpam(source(spam))), { learned: true });
      const again = await learner.learnSpam(Buffer.from(spam));
      assert.equal(again.learned, false);
      assert.equal(again.learned ? null : again.reason, 'already-learned');
      // Moved out of Junk: relearned as ham.
      assert.deepEqual(await learner.learnHam(source(spam)), { learned: true });
      const tiny = await learner.learnHam(source(message('x', 'ok')));
      assert.deepEqual(tiny.learned ? null : tiny.reason, 'not-learnable');
    } finally { learner.close(); }
  });
});

async function untilBackendLoaded<T>(learn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await learn();
    } catch (err) {
      if (!/cannot find statfile backend/.test(String((err as Error).message)) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('against a fake rspamd (HTTP errors, bad answers, silence, nothing listening)', () => {
  let server: http.Server;
  let url = '';
  let mode: 'ok' | '500' | 'garbage' | 'silent' | 'json-error' | '403' = 'ok';
  const seen: { url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts) });
        if (mode === 'silent') return;
        if (mode === '500') { res.writeHead(500, 'Internal error'); res.end('oops'); return; }
        if (mode === '403') { res.writeHead(403, 'Unauthorized'); res.end('{"error":"Unauthorized"}'); return; }
        if (mode === 'garbage') { res.end('<html>hello</html>'); return; }
        if (mode === 'json-error') { res.end('{"error":"cannot parse"}'); return; }
        res.end(req.url === '/checkv2' ? '{"action":"no action","score":0.5,"symbols":{}}' : '{"success":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('the request: POST /checkv2, the envelope in headers (one Rcpt per recipient), the body as sent', async () => {
    mode = 'ok';
    seen.length = 0;
    const scanner = createRspamdScanner({ url: url + '/', timeoutMs: 2000, mtaName: 'mx.example.test' });
    try {
      const msg = message('hi', 'body');
      await scanner.check(source(msg, 7), { ...ENV, recipients: ['a@x.test', 'b@x.test'], helo: 'bad\r\nInjected: 1', mailFrom: '' });
      const req = seen[0]!;
      assert.equal(req.url, '/checkv2');
      assert.equal(req.body.toString(), msg);
      assert.equal(req.headers.ip, '127.0.0.1');
      assert.equal(req.headers.helo, 'bad??Injected: 1');
      assert.equal(req.headers.from, '<>');
      assert.equal(req.headers.rcpt, 'a@x.test, b@x.test'); // node joins repeated headers
      assert.equal(req.headers['queue-id'], 'Q1');
      assert.equal(req.headers['mta-name'], 'mx.example.test');
      assert.equal(req.headers['content-length'], String(Buffer.byteLength(msg)));
    } finally { scanner.close(); }
  });

  for (const [m, code] of [['500', 'rspamd_http_status'], ['garbage', 'rspamd_bad_reply'], ['json-error', 'rspamd_bad_reply'], ['silent', 'rspamd_timeout']] as const) {
    test(`${m}: RspamdError ${code}`, async () => {
      mode = m;
      const scanner = createRspamdScanner({ url, timeoutMs: 300, mtaName: 'mx.example.test' });
      try {
        await assert.rejects(scanner.check(source(message('x', 'y')), ENV), (err: unknown) => err instanceof RspamdError && err.code === code);
      } finally { scanner.close(); }
    });
  }

  test('nothing listening: rspamd_unreachable; the check accepts with a warning, or defers with 451 4.3.0', async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = http.createServer();
      s.listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(`http://127.0.0.1:${p}`)); });
    });
    const scanner = createRspamdScanner({ url: closed, timeoutMs: 2000, mtaName: 'mx.example.test' });
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', sink: { write: (l: string) => logs.push(JSON.parse(l)) } });
    try {
      await assert.rejects(scanner.check(source('x'), ENV), (err: unknown) => err instanceof RspamdError && err.code === 'rspamd_unreachable');
      const accept = await createRspamdCheck({ scanner, onUnavailable: 'accept', logger }).data!(ctx(), source('x'));
      assert.equal(accept.action, 'accept');
      assert.match(accept.action === 'accept' ? accept.reason ?? '' : '', /^rspamd unavailable: /);
      assert.equal(logs[0]?.level, 'warn');
      assert.equal(logs[0]?.cid, 'c1');
      assert.equal(logs[0]?.qid, 'Q1');
      const defer = await createRspamdCheck({ scanner, onUnavailable: 'defer', logger }).data!(ctx(), source('x'));
      assert.deepEqual({ ...defer, reason: undefined }, { action: 'defer', code: 451, enhanced: '4.3.0', message: 'Message could not be checked for spam now, try again later', reason: undefined });
    } finally { scanner.close(); }
  });

  test('the learner sends the Password header; 403 and 5xx are RspamdError', async () => {
    const learner = createRspamdLearner({ url, password: 's3cret', timeoutMs: 2000 });
    try {
      mode = 'ok';
      seen.length = 0;
      assert.deepEqual(await learner.learnHam(Buffer.from('x')), { learned: true });
      assert.equal(seen[0]!.url, '/learnham');
      assert.equal(seen[0]!.headers.password, 's3cret');
      mode = '403';
      await assert.rejects(learner.learnSpam(Buffer.from('x')), (err: unknown) => err instanceof RspamdError && err.code === 'rspamd_http_status' && /403/.test(err.message));
      mode = '500';
      await assert.rejects(learner.learnSpam(Buffer.from('x')), (err: unknown) => err instanceof RspamdError && err.code === 'rspamd_http_status');
    } finally { learner.close(); }
  });

  test('a kept-alive connection closed by the server as it is reused: sent again on a new one', async () => {
    const sockets = new Set<unknown>();
    let dropped = 0;
    const srv = http.createServer((req, res) => {
      if (sockets.has(req.socket)) { dropped++; req.socket.destroy(); return; }
      sockets.add(req.socket);
      req.resume();
      req.on('end', () => res.end('{"action":"no action","score":0,"symbols":{}}'));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const scanner = createRspamdScanner({ url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, timeoutMs: 2000, mtaName: 'mx.example.test' });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await scanner.check(source(message('x', 'y')), ENV)).action, 'no action');
      assert.ok(dropped >= 1, `dropped ${dropped}`);
    } finally {
      scanner.close();
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });

  test('a message that cannot be read is not "rspamd unavailable": the error passes through', async () => {
    mode = 'ok';
    const scanner = createRspamdScanner({ url, timeoutMs: 2000, mtaName: 'mx.example.test' });
    const broken: MessageSource = { size: 10, async *open() { yield Buffer.from('abc'); throw new Error('disk gone'); } };
    try {
      const check = createRspamdCheck({ scanner, onUnavailable: 'accept', logger: createLogger({ level: 'error' }) });
      await assert.rejects(check.data!(ctx(), broken), /disk gone/);
    } finally { scanner.close(); }
  });
});
