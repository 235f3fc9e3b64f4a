// The MX session with inbound verification, over an in-memory socket pair with an injected fake
// authenticator: a DMARC reject verdict answers 550 5.7.1 at the end of DATA and stores nothing;
// a junk verdict files into Junk; every stored message carries our Authentication-Results right
// after Return-Path and Received, and a forged one claiming our host name is removed. Large
// messages spill to the spool directory, which is empty again afterwards.

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
import type { MessageAuthenticator, MessageAuthInput, MessageAuthVerdict } from '../../../../mail/pipeline/message-auth.js';
import type { CheckResult } from '../../../../mail/pipeline/contracts.js';
import type { DeliveryTarget, DeliveryTransaction } from '../../../../mail/store/contracts.js';

const AR = 'mx.example.test;\r\n\tspf=pass smtp.mailfrom=x@sender.example;\r\n\tdkim=none;\r\n\tdmarc=pass header.from=sender.example;\r\n\tarc=none';

function verdict(check: CheckResult): MessageAuthVerdict {
  return { authenticationResults: AR, check, spf: 'spf=pass', dkim: ['dkim=none'], dmarc: 'dmarc=pass', arc: 'arc=none', dmarcPolicy: null };
}

/** Records what it was asked and answers with `next`. */
class FakeAuthenticator implements MessageAuthenticator {
  next: CheckResult = { action: 'add-headers', headers: [['Authentication-Results', AR]] };
  seen: { input: Omit<MessageAuthInput, 'message'>; message: string }[] = [];
  async verify(input: MessageAuthInput): Promise<MessageAuthVerdict> {
    let message = '';
    if (Buffer.isBuffer(input.message)) message = input.message.toString('latin1');
    else for await (const c of input.message) message += c.toString('latin1');
    this.seen.push({ input: { ip: input.ip, helo: input.helo, mailFrom: input.mailFrom }, message });
    return verdict(this.next);
  }
}

/** FakeMailStore that also remembers the delivery targets (folder). */
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

async function setup(memoryLimit?: number) {
  const directory = new FakeDirectory();
  directory.addUser('alice@example.test');
  directory.addUser('bob@example.test');
  const store = new TargetRecordingStore();
  const auth = new FakeAuthenticator();
  const spoolDir = path.join(mkdtempSync(path.join(tmpdir(), 'mailroom-spool-')), 'inbound');
  const spool = await MessageSpool.start(spoolDir, memoryLimit);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line)) } });
  const session = new SmtpSessionServer({
    hostname: 'mx.example.test',
    limits: { maxMessageSize: 10 * 1024 * 1024, maxRecipients: 5, maxLineLength: 4096, idleTimeout: 300, maxErrors: 5 },
    tls: null, directory: directory.asDirectory(), mailStore: store.asMailStore(), checks: [], logger,
    inboundAuth: { authenticator: auth, spool },
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
  return { store, auth, spoolDir, logs, connect };
}

const MSG = 'From: <x@sender.example>\r\nSubject: hi\r\n\r\nhello\r\n';

async function send(client: ScriptedClient, message: string, rcpts = ['alice@example.test']) {
  await envelope(client, 'x@sender.example', rcpts);
  assert.equal((await client.command('DATA')).code, 354);
  client.send(message + '.\r\n');
  return client.reply(5000);
}

test('accepted: Authentication-Results right after Return-Path and Received; the verifier saw the message as received', async () => {
  const s = await setup();
  const client = await s.connect();
  const done = await send(client, MSG);
  assert.equal(done?.code, 250);
  assert.equal(s.store.stored.length, 1);
  const body = s.store.stored[0]!.body;
  assert.match(body, /^Return-Path: <x@sender\.example>\r\nReceived: [^]*?\r\nAuthentication-Results: mx\.example\.test;\r\n\tspf=pass [^]*?arc=none\r\nFrom: <x@sender\.example>\r\n/);
  assert.ok(body.endsWith(MSG));
  assert.deepEqual(s.auth.seen[0]!.input, { ip: '192.0.2.10', helo: 'client.example', mailFrom: 'x@sender.example' });
  assert.equal(s.auth.seen[0]!.message, MSG);
  assert.deepEqual(s.store.targets[0], [{ userId: 'u-alice@example.test' }]);
  const line = s.logs.find((l) => l.msg === 'message');
  assert.equal(line?.outcome, 'delivered');
  assert.deepEqual((line?.auth as { dmarc: string }).dmarc, 'dmarc=pass');
});

test('DMARC reject: 550 5.7.1 at the end of DATA, nothing stored, the session goes on', async () => {
  const s = await setup();
  s.auth.next = { action: 'reject', code: 550, enhanced: '5.7.1', message: 'Message refused: the DMARC policy of sender.example says to reject mail that fails authentication', reason: 'dmarc=fail policy=reject' };
  const client = await s.connect();
  const done = await send(client, MSG);
  assert.equal(done?.code, 550);
  assert.match(done!.lines[0]!, /^550 5\.7\.1 Message refused: the DMARC policy of sender\.example/);
  assert.equal(s.store.stored.length, 0);
  assert.equal(s.store.aborted.length, 1);
  const line = s.logs.find((l) => l.msg === 'message');
  assert.equal(line?.outcome, 'refused');
  assert.equal(line?.reason, 'dmarc=fail policy=reject');
  // The next transaction in the same session is verified afresh.
  s.auth.next = { action: 'accept' };
  assert.equal((await send(client, MSG))?.code, 250);
  assert.match(s.store.stored[0]!.body, /\r\nAuthentication-Results: mx\.example\.test;/);
});

test('a deferral from verification answers 4xx and stores nothing', async () => {
  const s = await setup();
  s.auth.next = { action: 'defer', code: 451, enhanced: '4.7.1', message: 'Try again later', reason: 'dns' };
  const client = await s.connect();
  assert.equal((await send(client, MSG))?.code, 451);
  assert.equal(s.store.stored.length, 0);
});

test('DMARC quarantine: filed into Junk for every recipient, with the header', async () => {
  const s = await setup();
  s.auth.next = { action: 'junk', reason: 'dmarc=fail policy=quarantine', headers: [['Authentication-Results', AR]] };
  const client = await s.connect();
  assert.equal((await send(client, MSG, ['alice@example.test', 'bob@example.test']))?.code, 250);
  assert.deepEqual(s.store.targets[0], [{ userId: 'u-alice@example.test', folder: 'Junk' }, { userId: 'u-bob@example.test', folder: 'Junk' }]);
  assert.match(s.store.stored[0]!.body, /\r\nAuthentication-Results: mx\.example\.test;/);
  assert.equal(s.logs.find((l) => l.msg === 'message')?.folder, 'Junk');
});

test('forged Authentication-Results claiming our host name are removed; others stay below ours', async () => {
  const s = await setup();
  const client = await s.connect();
  const forged = [
    'Authentication-Results: MX.Example.Test; dmarc=pass header.from=bank.example',
    'Authentication-Results:\r\n\tmx.example.test (forged); spf=pass',
    'Authentication-Results: relay.elsewhere.example; spf=pass smtp.mailfrom=x@sender.example',
    'From: <x@sender.example>', 'Subject: hi', '', 'Authentication-Results: mx.example.test; in the body stays', '',
  ].join('\r\n');
  assert.equal((await send(client, forged))?.code, 250);
  const body = s.store.stored[0]!.body;
  const ours = [...body.matchAll(/^Authentication-Results:\s*mx\.example\.test/gim)];
  assert.equal(ours.length, 2, body); // ours at the top, and the one in the body
  assert.match(body, /\tarc=none\r\nAuthentication-Results: relay\.elsewhere\.example; spf=pass [^\r]*\r\nFrom: /);
  assert.ok(!/bank\.example/.test(body));
  assert.ok(!/\(forged\)/.test(body));
  assert.ok(body.endsWith('\r\n\r\nAuthentication-Results: mx.example.test; in the body stays\r\n'));
});

test('a message beyond the memory limit spills to the spool directory, which is empty afterwards', async () => {
  const s = await setup(1024);
  const client = await s.connect();
  const big = 'From: <x@sender.example>\r\nSubject: big\r\n\r\n' + ('y'.repeat(76) + '\r\n').repeat(2000);
  assert.equal((await send(client, big))?.code, 250);
  assert.ok(s.store.stored[0]!.body.endsWith(big));
  assert.equal(s.auth.seen[0]!.message, big);
  assert.deepEqual(readdirSync(s.spoolDir), []);
});

test('the spool directory is emptied at start', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mailroom-spool-')), 'inbound');
  const spool = await MessageSpool.start(dir, 10);
  const w = spool.create();
  await w.write(Buffer.alloc(100));
  await MessageSpool.start(dir, 10); // a "restart" while a file was left behind
  assert.deepEqual(readdirSync(dir), []);
  await w.discard();
});

test('a verification that hangs or throws gives temperror results and accepts (never hangs the session)', async () => {
  const { createMessageAuthenticator } = await import('../../../../mail/pipeline/message-auth.js');
  const input = { message: Buffer.from(MSG), ip: '192.0.2.10', helo: 'client.example', mailFrom: 'x@sender.example' };
  const hanging = createMessageAuthenticator({ hostname: 'mx.example.test', resolver: async () => [], timeoutMs: 50, authenticate: () => new Promise(() => {}) });
  const started = Date.now();
  const slow = await hanging.verify(input);
  assert.ok(Date.now() - started < 1000);
  assert.match(slow.authenticationResults, /^mx\.example\.test;\r\n\tspf=temperror [^]*dkim=temperror;\r\n\tdmarc=temperror/);
  assert.equal(slow.check.action, 'add-headers');
  const throwing = createMessageAuthenticator({ hostname: 'mx.example.test', resolver: async () => [], authenticate: async () => { throw new Error('boom'); } });
  assert.equal((await throwing.verify(input)).check.action, 'add-headers');
});
