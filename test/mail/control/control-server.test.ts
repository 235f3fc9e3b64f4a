// The mail daemon's control API against a real store, over its real Unix socket, through the
// typed client the agent uses.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { silentLogger } from '../../../core/log.js';
import { ControlClient, ControlError, ControlUnavailableError } from '../../../mail/control/control-client.js';
import type { ControlEvent } from '../../../mail/control/control-protocol.js';
import { startControlServer } from '../../../mail/control/control-server.js';
import { domainRecords } from '../../../mail/dns/dns-records.js';
import { chunks, readAll } from '../store/store-fixture.js';
import { logLine, openControlFixture, PASSWORD, type ControlFixture } from './control-fixture.js';

/** A raw request over the socket, for what the typed client never sends. */
function raw(socketPath: string, method: string, pathname: string, body?: string, type = 'application/json'): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: pathname, headers: body === undefined ? {} : { 'content-type': type } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ControlError, `expected a ControlError, got ${String(err)}`);
    return { status: err.status, code: err.code, message: err.message };
  }
  assert.fail('expected a refusal');
}

describe('control server', () => {
  let f: ControlFixture;
  before(async () => { f = await openControlFixture(); });
  after(async () => { await f.cleanup(); });

  test('the socket is mode 0660 in a 0750 run directory', () => {
    assert.equal(statSync(f.socketPath).mode & 0o777, 0o660);
    assert.equal(statSync(path.dirname(f.socketPath)).mode & 0o777, 0o750);
  });

  test('health', async () => {
    const h = await f.client.health();
    assert.equal(h.status, 'ok');
    assert.equal(h.pid, process.pid);
    assert.equal(h.version, '9.9.9');
  });

  test('domains: add creates DKIM keys, ls, duplicates and bad names refused with the directory codes', async () => {
    const d = await f.client.addDomain('Example.COM');
    assert.equal(d.name, 'example.com');
    assert.equal((await f.dkimKeys.publishedKeys('example.com')).length, 2);
    await f.client.addDomain('spare.example');
    assert.deepEqual((await f.client.listDomains()).map((x) => x.name), ['example.com', 'spare.example']);
    assert.deepEqual(await refusal(f.client.addDomain('example.com')), { status: 409, code: 'domain_exists', message: 'domain example.com exists already' });
    assert.deepEqual(await refusal(f.client.addDomain('not a domain')), { status: 400, code: 'invalid_domain', message: '"not a domain" is not a valid domain name' });
    assert.deepEqual(await f.client.removeDomain('spare.example'), { removed: 'spare.example' });
    assert.equal((await f.dkimKeys.publishedKeys('spare.example')).length, 0);
    assert.equal((await refusal(f.client.removeDomain('spare.example'))).code, 'unknown_domain');
  });

  test('dns records are the CLI\'s', async () => {
    const records = await f.client.dnsRecords('example.com');
    const expected = domainRecords({
      domain: 'example.com', hostname: 'mx.example.com', dkim: await f.dkimKeys.publishedKeys('example.com'),
      ports: { submission: 587, submissions: 465, imaps: 993, pop3s: null },
    }).map(({ type, name, value }) => ({ type, name, value }));
    assert.deepEqual(records, expected);
    assert.equal((await refusal(f.client.dnsRecords('other.example'))).code, 'domain_unknown');
    assert.equal((await refusal(f.client.dnsRecords('bad_domain'))).status, 400);
  });

  test('users: add with quota, usage, get, passwd, quota, rm; refusals carry CLI codes and messages', async () => {
    const u = await f.client.addUser({ address: 'Alice@example.com', password: PASSWORD, quota: '500M' });
    assert.equal(u.address, 'alice@example.com');
    assert.equal(u.quota, 500 * 1024 * 1024);
    assert.deepEqual(u.usage, { bytes: 0, messages: 0 });
    await f.client.addUser({ address: 'bob@example.com', password: PASSWORD });

    const tx = f.mailStore.beginDelivery();
    tx.addRecipient({ userId: u.id });
    await tx.writeBody(chunks('Subject: hi\r\n\r\nhello\r\n'));
    await tx.commit();
    const users = await f.client.listUsers('example.com');
    assert.deepEqual(users.map((x) => [x.address, x.usage.messages]), [['alice@example.com', 1], ['bob@example.com', 0]]);
    assert.equal((await f.client.getUser('ALICE@example.com')).usage.messages, 1);

    assert.deepEqual(await refusal(f.client.addUser({ address: 'carol@example.com', password: 'short' })),
      { status: 400, code: 'weak_password', message: 'password is too short: use at least 10 characters' });
    assert.deepEqual(await refusal(f.client.addUser({ address: 'carol@example.com', password: PASSWORD, quota: '12 apples' })),
      { status: 400, code: 'invalid_size', message: '"12 apples" is not a size (write it like 60K, 500M, 2G, or unlimited)' });
    assert.equal((await refusal(f.client.addUser({ address: 'alice@example.com', password: PASSWORD }))).code, 'user_exists');
    assert.equal((await refusal(f.client.addUser({ address: 'x@nowhere.example', password: PASSWORD }))).status, 400);
    assert.deepEqual(await refusal(f.client.getUser('nobody@example.com')), { status: 404, code: 'unknown_user', message: 'no user nobody@example.com' });

    assert.deepEqual(await f.client.setPassword('alice@example.com', 'another fine passphrase'), { changed: 'alice@example.com' });
    assert.ok(await f.directory.verifyPassword('alice@example.com', 'another fine passphrase'));
    assert.deepEqual(await f.client.setQuota('alice@example.com', 'unlimited'), { address: 'alice@example.com', quota: null });
    assert.deepEqual(await f.client.setQuota('alice@example.com', 2048), { address: 'alice@example.com', quota: 2048 });
    assert.equal((await refusal(f.client.setQuota('alice@example.com', -1))).code, 'invalid_size');
    assert.deepEqual(await f.client.removeUser('bob@example.com'), { removed: 'bob@example.com' });
    assert.equal((await refusal(f.client.removeUser('bob@example.com'))).code, 'unknown_user');
  });

  test('aliases: add from a list or a comma word, ls, rm, refusals', async () => {
    assert.deepEqual(await f.client.addAlias('team@example.com', 'alice@example.com'), { address: 'team@example.com', targets: ['alice@example.com'] });
    await f.client.addAlias('@example.com', ['alice@example.com']);
    assert.deepEqual((await f.client.listAliases()).map((a) => a.address).sort(), ['@example.com', 'team@example.com']);
    assert.equal((await refusal(f.client.addAlias('x@example.com', ['nobody@example.com']))).code, 'unknown_target');
    assert.equal((await refusal(f.client.addAlias('team@example.com', ['alice@example.com']))).code, 'alias_exists');
    assert.deepEqual(await f.client.removeAlias('@Example.com'), { removed: '@example.com' });
    assert.equal((await refusal(f.client.removeAlias('@example.com'))).code, 'unknown_alias');
  });

  test('queue: ls in the CLI\'s JSON shape, summary, retry kicks the runner, rm', async () => {
    const id = await f.spool.enqueue({ from: 'alice@example.com', recipients: ['x@remote.example', 'y@remote.example'] }, chunks('Subject: q\r\n\r\nbody\r\n'));
    const list = await f.client.listQueue();
    assert.equal(list.length, 1);
    assert.equal(list[0]!.id, id);
    assert.equal(list[0]!.sender, 'alice@example.com');
    assert.deepEqual(list[0]!.recipients.map((r) => [r.address, r.state]), [['x@remote.example', 'pending'], ['y@remote.example', 'pending']]);
    assert.deepEqual(Object.keys(list[0]!).sort(), ['id', 'isBounce', 'queuedAt', 'recipients', 'sender', 'size']);
    const summary = await f.client.queueSummary();
    assert.equal(summary.messages, 1);
    assert.equal(summary.waiting, 2);
    const kicks = f.kicks;
    assert.deepEqual(await f.client.retryQueued(id), { id, due: 2 });
    assert.equal(f.kicks, kicks + 1);
    assert.deepEqual(await refusal(f.client.retryQueued('nope')), { status: 404, code: 'queue_message_not_found', message: 'no queued message nope' });
    assert.deepEqual(await f.client.removeQueued(id), { removed: id });
    assert.equal((await f.client.listQueue()).length, 0);
  });

  test('logs: recent lines from the tap, filtered by level and limited', async () => {
    const sink = f.tap.sink({ write() { return true; } });
    sink.write(logLine('first'));
    sink.write(logLine('careful', {}, 'warn'));
    sink.write(logLine('third', { cid: 'c1' }));
    const all = await f.client.logs({ limit: 3 });
    assert.deepEqual(all.map((l) => l.msg), ['first', 'careful', 'third']);
    assert.equal(all[2]!.cid, 'c1');
    assert.deepEqual((await f.client.logs({ level: 'warn' })).map((l) => l.msg), ['careful']);
    assert.deepEqual((await f.client.logs({ limit: 1 })).map((l) => l.msg), ['third']);
    assert.equal((await raw(f.socketPath, 'GET', '/v1/logs?level=loud')).status, 400);
  });

  test('stats count finished transactions and queue outcomes', async () => {
    const before = await f.client.stats();
    const sink = f.tap.sink({ write() { return true; } });
    sink.write(logLine('message', { qid: 'a', mailboxes: 1, outcome: 'delivered' }));
    sink.write(logLine('message', { qid: 'b', queueId: 'q1', user: 'alice@example.com', outcome: 'delivered' }));
    sink.write(logLine('message', { qid: null, mailboxes: 0, outcome: 'oversize' }));
    f.tap.onQueueEvent({ type: 'delivered', qid: 'q1', recipient: 'x@remote.example', reply: '250 ok', remoteMta: null });
    f.tap.onQueueEvent({ type: 'deferred', qid: 'q1', recipient: 'y@remote.example', reply: '451', status: '4.0.0', nextAttemptAt: 0 });
    const after = await f.client.stats();
    assert.equal(after.received - before.received, 1);
    assert.equal(after.submitted - before.submitted, 1);
    assert.equal(after.refused - before.refused, 1);
    assert.equal(after.delivered - before.delivered, 1);
    assert.equal(after.deferred - before.deferred, 1);
    assert.equal(after.queue.messages, 0);
  });

  test('events: the queue summary first, then log lines and deliveries as they happen', async () => {
    const events: ControlEvent[] = [];
    let ended = false;
    const sub = f.client.subscribe((e) => events.push(e), () => { ended = true; });
    const waitFor = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + 5000;
      while (!pred()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => events.length >= 1, 'the first event');
    assert.equal(events[0]!.type, 'queue');
    const sink = f.tap.sink({ write() { return true; } });
    sink.write(logLine('hello events'));
    f.tap.onQueueEvent({ type: 'failed', qid: 'q9', recipient: 'z@remote.example', reply: '550 no', status: '5.1.1', expired: false });
    await waitFor(() => events.some((e) => e.type === 'log' && e.line.msg === 'hello events'), 'the log event');
    await waitFor(() => events.some((e) => e.type === 'delivery' && e.event.type === 'failed'), 'the delivery event');
    // A delivery changes the queue: a coalesced queue event follows.
    await waitFor(() => events.filter((e) => e.type === 'queue').length >= 2, 'the queue event');
    sub.close();
    assert.equal(ended, false, 'close() is not an end');
  });

  test('system mail: local recipients get it in INBOX, foreign ones are queued with the null sender', async () => {
    const result = await f.client.sendSystemMail({ to: ['alice@example.com', 'ops@remote.example'], subject: 'Disk almost full – 91 %', text: 'The disk / is 91% full.\n' });
    assert.deepEqual(result.delivered, ['alice@example.com']);
    assert.deepEqual(result.queued, ['ops@remote.example']);
    const alice = (await f.directory.getUser('alice@example.com'))!;
    const inbox = await f.mailStore.listMessages(alice.id, 'INBOX');
    const mail = inbox.find((m) => m.subject === 'Disk almost full – 91 %');
    assert.ok(mail, `system mail in INBOX: ${JSON.stringify(inbox.map((m) => m.subject))}`);
    const stored = (await f.mailStore.getMessage(alice.id, 'INBOX', mail.uid))!;
    const text = (await readAll(f.mailStore.openMessage(stored.blobId))).toString('utf8');
    assert.match(text, /^Return-Path: <>\r\n/);
    assert.match(text, /\r\nAuto-Submitted: auto-generated\r\n/);
    const queued = f.spool.list();
    assert.equal(queued.length, 1);
    assert.equal(queued[0]!.sender, '');
    assert.deepEqual(queued[0]!.recipients.map((r) => r.address), ['ops@remote.example']);
    await f.spool.remove(queued[0]!.id);
    assert.equal((await refusal(f.client.sendSystemMail({ to: ['nobody@example.com'], subject: 's', text: '' }))).code, 'unknown_recipient');
    assert.equal((await refusal(f.client.sendSystemMail({ to: ['a@b.example'], subject: 'two\r\nlines', text: '' }))).status, 400);
  });

  test('the server refuses what is not its protocol', async () => {
    assert.deepEqual(await raw(f.socketPath, 'GET', '/v1/nothing'), { status: 404, json: { error: { code: 'not_found', message: 'no such control route: /v1/nothing' } } });
    assert.equal((await raw(f.socketPath, 'PUT', '/v1/domains')).status, 405);
    assert.deepEqual(await raw(f.socketPath, 'POST', '/v1/domains', '{nope'), { status: 400, json: { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } } });
    assert.equal((await raw(f.socketPath, 'POST', '/v1/domains', '{"name":"x.example"}', 'text/plain')).status, 415);
    assert.equal((await raw(f.socketPath, 'POST', '/v1/domains', '[]')).status, 400);
    assert.equal((await raw(f.socketPath, 'POST', '/v1/domains', JSON.stringify({ name: 'x'.repeat(70_000) }))).status, 413);
  });

  test('a second server on a live socket is refused; a stale socket file is replaced', async () => {
    const deps = {
      hostname: 'mx.example.com', clientPorts: { submission: null, submissions: null, imaps: null, pop3s: null },
      directory: f.directory, mailStore: f.mailStore, spool: f.spool, dkimKeys: f.dkimKeys, tap: f.tap, kickQueue: () => undefined, logger: silentLogger,
    };
    await assert.rejects(startControlServer({ ...deps, socketPath: f.socketPath }), { code: 'control_socket_in_use' });
    // A file nobody listens on (a daemon killed with SIGKILL leaves its socket file behind).
    const stalePath = path.join(f.dir, 'run', 'stale.sock');
    writeFileSync(stalePath, '');
    const second = await startControlServer({ ...deps, socketPath: stalePath });
    const client = new ControlClient({ socketPath: stalePath });
    assert.equal((await client.health()).status, 'ok');
    client.close();
    await second.close();
  });

  test('a client with no daemon behind the socket gets ControlUnavailableError', async () => {
    const client = new ControlClient({ socketPath: path.join(f.dir, 'run', 'missing.sock') });
    await assert.rejects(client.health(), (err: unknown) => err instanceof ControlUnavailableError && err.code === 'mail_daemon_unavailable' && err.status === 503);
    client.close();
  });
});
