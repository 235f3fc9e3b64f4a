// Submission honours forwarders: a local user writes to local users who forward, over the real
// submission session (in-memory sockets), with a real store (SQLite file and message files in a
// temp dir), a real directory and forwarders table. The outbound spool is a recording stand-in
// (the spool has its own tests; test/e2e/forward.test.ts sends forwarded mail for real).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../core/log.js';
import { AuthPenalty } from '../../../mail/auth/auth-penalty.js';
import type { Forwarding } from '../../../mail/delivery/forward-delivery.js';
import { SmtpListener } from '../../../mail/listener/smtp-listener.js';
import { SenderRateLimit } from '../../../mail/session/submission/sender-rate-limit.js';
import { createSubmissionSessionServer } from '../../../mail/session/submission/submission-session-server.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import { SqliteForwardStore } from '../../../mail/store/sqlite/forward-store.js';
import { readAll, openStoreFixture, type StoreFixture } from '../store/store-fixture.js';
import { ScriptedClient, socketPair } from '../session/smtp/harness.js';
import { FakeQueue } from '../session/submission/harness.js';

const PASSWORD = 'Vq7!trellis-Oxbow-42';
const FAST = { ln: 10, r: 8, p: 1 };
const srs = { key: Buffer.from('test key for srs'), domain: 'mx.example.test', maxAgeDays: 21 };

describe('submission to local users who forward', () => {
  let fx: StoreFixture;
  let directory: SqliteDirectory;
  let queue: FakeQueue;
  let listener: SmtpListener;
  const logs: Record<string, unknown>[] = [];
  let kicks = 0;

  before(async () => {
    fx = await openStoreFixture();
    directory = new SqliteDirectory({ db: fx.db, mailStore: fx.store, logger: createLogger({ level: 'error' }), passwordParams: FAST });
    const forwards = new SqliteForwardStore({ db: fx.db, logger: createLogger({ level: 'error' }) });
    await directory.addDomain('example.test');
    for (const u of ['alice', 'bob', 'carol', 'dave']) await directory.addUser(`${u}@example.test`, PASSWORD);
    await directory.addAlias('team@example.test', ['bob@example.test', 'dave@example.test']);
    await forwards.setForward('bob@example.test', ['b@far.test'], { keepCopy: false });
    await forwards.setForward('carol@example.test', ['c@far.test'], { keepCopy: true });
    queue = new FakeQueue();
    const logger = createLogger({ level: 'debug', sink: { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>); return true; } } });
    const forwarding: Forwarding = { srs, forwards, directory, mailStore: fx.store, queue, onQueued: () => { kicks++; }, now: () => new Date() };
    const session = createSubmissionSessionServer({
      hostname: 'mx.example.test',
      limits: { maxMessageSize: 100000, maxRecipients: 10, maxLineLength: 4096, idleTimeout: 300, maxErrors: 20 },
      tls: null, directory, mailStore: fx.store, logger, forwarding,
    }, {
      queue, onQueued: () => { kicks++; },
      penalty: new AuthPenalty({ baseMs: 1, maxMs: 1 }),
      rateLimit: new SenderRateLimit({ messagesPerHour: 100, recipientsPerHour: 100 }),
      allowInsecureAuth: true, implicitTls: false, sleep: async () => undefined,
    });
    listener = new SmtpListener({ name: 'submission', hostname: 'mx.example.test', limits: { connectionsPerIp: 10, maxConnections: 100 }, session, logger });
  });
  after(async () => { await fx.cleanup(); });

  /** Sends one message as alice; returns the reply to the end of DATA. */
  async function send(rcpts: string[], subject: string, extraHeaders = '') {
    const pair = socketPair('192.0.2.10');
    const client = new ScriptedClient(pair.client);
    listener.handle(pair.server);
    assert.equal((await client.reply())?.code, 220);
    await client.command('EHLO client.example');
    const auth = await client.command(`AUTH PLAIN ${Buffer.from(`\0alice@example.test\0${PASSWORD}`).toString('base64')}`);
    assert.equal(auth.code, 235, auth.text);
    assert.equal((await client.command('MAIL FROM:<alice@example.test>')).code, 250);
    for (const r of rcpts) assert.equal((await client.command(`RCPT TO:<${r}>`)).code, 250, r);
    assert.equal((await client.command('DATA')).code, 354);
    const reply = await client.command(`${extraHeaders}From: Alice <alice@example.test>\r\nTo: x@example.test\r\nSubject: ${subject}\r\n\r\nbody line\r\n.`);
    await client.command('QUIT').catch(() => undefined);
    return reply;
  }

  async function inbox(address: string, subject: string): Promise<string[]> {
    const user = (await directory.getUser(address))!;
    const found: string[] = [];
    for (const m of await fx.store.listMessages(user.id, 'INBOX')) {
      const stored = await fx.store.getMessage(user.id, 'INBOX', m.uid);
      const text = (await readAll(fx.store.openMessage(stored!.blobId))).toString('utf8');
      if (text.includes(`Subject: ${subject}\r\n`)) found.push(text);
    }
    return found;
  }

  const queuedFor = (subject: string) => queue.queued.filter((q) => q.body.includes(`Subject: ${subject}\r\n`));

  test('a user who forwards without a copy: the target gets it through the spool, the mailbox does not', async () => {
    const before = kicks;
    const reply = await send(['bob@example.test'], 'to-bob');
    assert.equal(reply.code, 250, reply.text);
    assert.deepEqual(await inbox('bob@example.test', 'to-bob'), []);
    const [entry, ...more] = queuedFor('to-bob');
    assert.equal(more.length, 0);
    // Our own user's address needs no SRS: our SPF covers it, and a bounce comes straight back.
    assert.deepEqual(entry!.envelope, { from: 'alice@example.test', recipients: ['b@far.test'] });
    assert.match(entry!.body, /^X-Mailroom-Forwarded: bob@example\.test\r\nReceived: from /);
    assert.doesNotMatch(entry!.body, /^Return-Path:/im);
    assert.ok(kicks > before, 'the queue runner was told');
  });

  test('keep a copy, a plain local recipient and a foreign one: two spool entries, two mailboxes', async () => {
    const reply = await send(['carol@example.test', 'dave@example.test', 'x@other.test'], 'mixed');
    assert.equal(reply.code, 250, reply.text);
    for (const who of ['carol@example.test', 'dave@example.test']) {
      const [copy, ...more] = await inbox(who, 'mixed');
      assert.equal(more.length, 0, who);
      assert.match(copy!, /^Return-Path: <alice@example\.test>\r\nReceived: /, who);
    }
    const entries = queuedFor('mixed').map((q) => ({ ...q.envelope, trace: /^X-Mailroom-Forwarded: /.test(q.body) }));
    assert.deepEqual(entries.sort((a, b) => a.recipients[0]!.localeCompare(b.recipients[0]!)), [
      { from: 'alice@example.test', recipients: ['c@far.test'], trace: true },
      { from: 'alice@example.test', recipients: ['x@other.test'], trace: false },
    ]);
  });

  test('through an alias: the member who forwards is forwarded, the other member gets it', async () => {
    const reply = await send(['team@example.test'], 'to-team');
    assert.equal(reply.code, 250, reply.text);
    assert.equal((await inbox('dave@example.test', 'to-team')).length, 1);
    assert.equal((await inbox('bob@example.test', 'to-team')).length, 0);
    assert.deepEqual(queuedFor('to-team').map((q) => q.envelope.recipients), [['b@far.test']]);
  });

  test('a message that already went through the forwarder is not forwarded again: it is kept in the mailbox', async () => {
    const reply = await send(['bob@example.test'], 'looped', 'X-Mailroom-Forwarded: bob@example.test\r\n');
    assert.equal(reply.code, 250, reply.text);
    assert.equal((await inbox('bob@example.test', 'looped')).length, 1);
    assert.deepEqual(queuedFor('looped'), []);
    assert.ok(logs.some((l) => l.msg === 'forwarding loop detected; kept locally' && l.outcome === 'kept'));
  });

  test('the spool failing: 451, nothing stored, nothing left in the spool', async () => {
    queue.fail = true;
    try {
      const reply = await send(['carol@example.test', 'dave@example.test'], 'spool-down');
      assert.equal(reply.code, 451, reply.text);
    } finally {
      queue.fail = false;
    }
    assert.deepEqual(await inbox('carol@example.test', 'spool-down'), []);
    assert.deepEqual(await inbox('dave@example.test', 'spool-down'), []);
    assert.deepEqual(queuedFor('spool-down'), []);
  });
});
