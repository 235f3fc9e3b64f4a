// The MX session with content checks at the end of DATA (deps.dataChecks: what clamd and rspamd
// become), over an in-memory socket pair with scripted checks: a refusal answers 554 5.7.1 and
// stores nothing; a deferral 451; junk files into Junk with the checks' fields on top and the
// sender's forged X-Spam fields removed; the checks run at the same time (two 300 ms checks take
// about 300 ms), also at the same time as verification, which keeps its Authentication-Results
// first; a check that throws is a local failure (451 4.3.0); every check sees the queue id.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeDirectory, FakeMailStore, ScriptedClient, envelope, socketPair } from './harness.js';
import { createLogger } from '../../../../core/log.js';
import { SmtpSessionServer } from '../../../../mail/session/smtp/smtp-session-server.js';
import { SmtpListener } from '../../../../mail/listener/smtp-listener.js';
import { MessageSpool } from '../../../../mail/store/fs/message-spool.js';
import type { Check, CheckContext, CheckResult } from '../../../../mail/pipeline/contracts.js';
import type { MessageAuthenticator, MessageAuthVerdict } from '../../../../mail/pipeline/message-auth.js';
import type { VerifiedCheckContext } from '../../../../mail/pipeline/rspamd-check.js';
import type { DeliveryTarget, DeliveryTransaction } from '../../../../mail/store/contracts.js';

class TargetRecordingStore extends FakeMailStore {
  targets: DeliveryTarget[][] = [];
  override beginDelivery(): DeliveryTransaction {
    const tx = super.beginDelivery();
    const mine: DeliveryTarget[] = [];
    this.targets.push(mine);
    const add = tx.addRecipient.bind(tx);
    tx.addRecipient = (t) => { mine.push(t); add(t); };
    return tx;
  }
}

/** A check that reads the whole message, waits `delayMs`, and answers `next` (or throws it). */
class ScriptedCheck implements Check {
  next: CheckResult | Error = { action: 'accept' };
  delayMs = 0;
  seen: { ctx: CheckContext; message: string; size: number }[] = [];
  constructor(readonly name: string) {}
  async data(ctx: CheckContext, message: { size: number; open(): AsyncIterable<Buffer> }): Promise<CheckResult> {
    let text = '';
    for await (const c of message.open()) text += c.toString('latin1');
    this.seen.push({ ctx, message: text, size: message.size });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
}

const AR = 'mx.example.test;\r\n\tspf=pass smtp.mailfrom=x@sender.example';

class SlowAuthenticator implements MessageAuthenticator {
  delayMs = 0;
  async verify(input: { message: Buffer | AsyncIterable<Buffer> }): Promise<MessageAuthVerdict> {
    if (!Buffer.isBuffer(input.message)) for await (const _ of input.message) { /* read it all */ }
    await new Promise((r) => setTimeout(r, this.delayMs));
    return { authenticationResults: AR, check: { action: 'add-headers', headers: [['Authentication-Results', AR]] }, spf: 'spf=pass', dkim: ['dkim=none'], dmarc: 'dmarc=none', arc: 'arc=none', dmarcPolicy: null };
  }
}

async function setup(options: { withAuth?: boolean; memoryLimit?: number } = {}) {
  const directory = new FakeDirectory();
  directory.addUser('alice@example.test');
  directory.addUser('bob@example.test');
  const store = new TargetRecordingStore();
  const clamd = new ScriptedCheck('clamd');
  const rspamd = new ScriptedCheck('rspamd');
  const auth = new SlowAuthenticator();
  const spoolDir = path.join(mkdtempSync(path.join(tmpdir(), 'mailroom-spool-')), 'inbound');
  const spool = await MessageSpool.start(spoolDir, options.memoryLimit);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line)) } });
  const session = new SmtpSessionServer({
    hostname: 'mx.example.test',
    limits: { maxMessageSize: 10 * 1024 * 1024, maxRecipients: 5, maxLineLength: 4096, idleTimeout: 300, maxErrors: 5 },
    tls: null, directory: directory.asDirectory(), mailStore: store.asMailStore(), checks: [], logger,
    inboundAuth: options.withAuth ? { authenticator: auth, spool } : null,
    dataChecks: { checks: [clamd, rspamd], spool },
    now: () => new Date(Date.UTC(2024, 0, 2, 10, 0, 0)),
  });
  const listener = new SmtpListener({ name: 'smtp', hostname: 'mx.example.test', limits: { connectionsPerIp: 10, maxConnections: 100 }, session, logger });
  const connect = async () => {
    const pair = socketPair('192.0.2.10');
    const client = new ScriptedClient(pair.client);
    listener.handle(pair.server);
    assert.equal((await client.reply())?.code, 220);
    return client;
  };
  return { store, clamd, rspamd, auth, spoolDir, logs, connect };
}

const MSG = 'From: <x@sender.example>\r\nX-Spam: No\r\nSubject: hi\r\nX-Spam-Status: No, score=-50\r\n\tforged=yes\r\n\r\nhello\r\n';

async function send(client: ScriptedClient, message: string, rcpts = ['alice@example.test']) {
  await envelope(client, 'x@sender.example', rcpts);
  assert.equal((await client.command('DATA')).code, 354);
  client.send(message + '.\r\n');
  return client.reply(5000);
}

test('a virus: 554 5.7.1 at the end of DATA, nothing stored, the session goes on', async () => {
  const s = await setup();
  s.clamd.next = { action: 'reject', code: 554, enhanced: '5.7.1', message: 'Message refused: virus found (Eicar-Test-Signature)', reason: 'clamd: infected Eicar-Test-Signature' };
  const client = await s.connect();
  const done = await send(client, MSG);
  assert.match(done!.lines[0]!, /^554 5\.7\.1 Message refused: virus found \(Eicar-Test-Signature\)$/);
  assert.equal(s.store.stored.length, 0);
  assert.equal(s.store.aborted.length, 1);
  const line = s.logs.find((l) => l.msg === 'message');
  assert.equal(line?.outcome, 'refused');
  assert.equal(line?.reason, 'clamd: infected Eicar-Test-Signature');
  assert.deepEqual(Object.keys(line?.filters as object), ['clamd', 'rspamd']);
  s.clamd.next = { action: 'accept', reason: 'clamd: clean' };
  assert.equal((await send(client, MSG))?.code, 250);
  assert.equal(s.store.stored.length, 1);
});

test('a deferral (engine down, rspamd soft reject): 451, nothing stored', async () => {
  const s = await setup();
  s.rspamd.next = { action: 'defer', code: 451, enhanced: '4.7.1', message: 'Try again later', reason: 'rspamd: soft reject' };
  const client = await s.connect();
  const done = await send(client, MSG);
  assert.match(done!.lines[0]!, /^451 4\.7\.1 Try again later$/);
  assert.equal(s.store.stored.length, 0);
});

test('a refusal beats a deferral from another check', async () => {
  const s = await setup();
  s.clamd.next = { action: 'defer', code: 451, enhanced: '4.3.0', message: 'Message could not be scanned for viruses now, try again later', reason: 'clamd unavailable' };
  s.rspamd.next = { action: 'reject', code: 554, enhanced: '5.7.1', message: 'Spam message rejected', reason: 'rspamd: reject' };
  const client = await s.connect();
  assert.equal((await send(client, MSG))?.code, 554);
});

test('junk: filed into Junk for every recipient, X-Spam fields on top, the sender\'s copies removed', async () => {
  const s = await setup();
  s.rspamd.next = { action: 'junk', reason: 'rspamd: add header score=11.90', headers: [['X-Spam', 'Yes'], ['X-Spam-Status', 'Yes, score=11.90']], dropHeaders: ['x-spam', 'x-spam-status'] };
  const client = await s.connect();
  assert.equal((await send(client, MSG, ['alice@example.test', 'bob@example.test']))?.code, 250);
  assert.deepEqual(s.store.targets[0], [{ userId: 'u-alice@example.test', folder: 'Junk' }, { userId: 'u-bob@example.test', folder: 'Junk' }]);
  const body = s.store.stored[0]!.body;
  assert.match(body, /^Return-Path: <x@sender\.example>\r\nReceived: [^]*?\r\nX-Spam: Yes\r\nX-Spam-Status: Yes, score=11\.90\r\nFrom: <x@sender\.example>\r\nSubject: hi\r\n\r\nhello\r\n$/);
  assert.ok(!/forged|score=-50/.test(body));
  const line = s.logs.find((l) => l.msg === 'message');
  assert.equal(line?.folder, 'Junk');
  assert.deepEqual((line?.filters as Record<string, { action: string }>).rspamd?.action, 'junk');
  // The checks saw the message as received, without our trace fields, and the queue id.
  assert.equal(s.rspamd.seen[0]!.message, MSG);
  assert.equal(s.rspamd.seen[0]!.size, Buffer.byteLength(MSG));
  assert.equal(s.rspamd.seen[0]!.ctx.queueId, s.store.stored[0]!.id);
  assert.equal(s.rspamd.seen[0]!.ctx.mailFrom, 'x@sender.example');
  assert.deepEqual(s.rspamd.seen[0]!.ctx.recipients, ['alice@example.test', 'bob@example.test']);
  assert.equal(s.rspamd.seen[0]!.ctx.remoteAddress, '192.0.2.10');
});

test('clean: the inbox, with the fields the checks add (X-Spam-Status: No)', async () => {
  const s = await setup();
  s.rspamd.next = { action: 'add-headers', headers: [['X-Spam-Status', 'No, score=0.10']], dropHeaders: ['x-spam', 'x-spam-status'], reason: 'rspamd: no action' };
  const client = await s.connect();
  assert.equal((await send(client, MSG))?.code, 250);
  assert.deepEqual(s.store.targets[0], [{ userId: 'u-alice@example.test' }]);
  assert.match(s.store.stored[0]!.body, /\r\nX-Spam-Status: No, score=0\.10\r\nFrom: <x@sender\.example>\r\nSubject: hi\r\n\r\n/);
});

test('checks run at the same time, and at the same time as verification; Authentication-Results stays first', async () => {
  const s = await setup({ withAuth: true });
  s.clamd.delayMs = 300;
  s.rspamd.delayMs = 300;
  s.auth.delayMs = 300;
  s.rspamd.next = { action: 'add-headers', headers: [['X-Spam-Status', 'No, score=0.10']], dropHeaders: ['x-spam-status'] };
  const client = await s.connect();
  const started = Date.now();
  assert.equal((await send(client, MSG))?.code, 250);
  const took = Date.now() - started;
  assert.ok(took < 700, `took ${took} ms (sequential would be 900)`);
  assert.match(s.store.stored[0]!.body, /\r\nAuthentication-Results: mx\.example\.test;\r\n\tspf=pass [^\r]*\r\nX-Spam-Status: No, score=0\.10\r\nFrom: /);
});

test('the checks are handed the verification, so rspamd can score our SPF/DKIM/DMARC results; none without it', async () => {
  const s = await setup({ withAuth: true });
  const client = await s.connect();
  assert.equal((await send(client, MSG))?.code, 250);
  const verification = (s.rspamd.seen[0]!.ctx as VerifiedCheckContext).verification;
  assert.ok(verification, 'no verification in the check context');
  const verdict = await verification;
  assert.deepEqual({ spf: verdict?.spf, dkim: verdict?.dkim, dmarc: verdict?.dmarc }, { spf: 'spf=pass', dkim: ['dkim=none'], dmarc: 'dmarc=none' });
  const plain = await setup();
  const other = await plain.connect();
  assert.equal((await send(other, MSG))?.code, 250);
  assert.equal((plain.rspamd.seen[0]!.ctx as VerifiedCheckContext).verification, undefined);
});

test('a check that throws: 451 4.3.0 (local failure), nothing stored, the spool directory empty', async () => {
  const s = await setup({ memoryLimit: 16 });
  s.rspamd.next = new Error('bug');
  const client = await s.connect();
  const done = await send(client, MSG);
  assert.match(done!.lines[0]!, /^451 4\.3\.0 /);
  assert.equal(s.store.stored.length, 0);
  assert.deepEqual(readdirSync(s.spoolDir), []);
});
