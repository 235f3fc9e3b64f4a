// Outbound connection reuse against a real SMTP server on loopback (smtp-server, in the test):
// N messages to one destination go over fewer sessions; a session the server drops while idle or
// at the next MAIL FROM costs nothing (the message goes over a fresh one, once); per-recipient
// replies still count on a reused session, and a refused transaction is RSET before the next;
// sessions are never shared across destinations, TLS modes or credentials; the limits hold.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { SmtpConnectionCache, type CachedDeliveryRequest } from '../../../mail/queue/smtp-connection-cache.js';
import type { HostDeliveryResult } from '../../../mail/queue/smtp-delivery.js';
import { freeTcpPort } from './smtp-sink-fixture.js';

const HOST = '127.0.0.41';

interface Behaviour {
  /** Destroy the socket on MAIL FROM of the session's transaction number N (1-based) and later. */
  dropAtMailFromOfTransaction?: number;
  /** Destroy the socket after reading DATA of this transaction number, before replying. */
  dropAfterDataOfTransaction?: number;
}

describe('SmtpConnectionCache', () => {
  let server: SMTPServer;
  let port: number;
  let sessionsOpened = 0;
  /** Sessions the server has open now, by id. */
  const openSessions = new Set<string>();
  const received: { subject: string; to: string[]; session: string }[] = [];
  let behaviour: Behaviour = {};
  const transactionsOf = new Map<string, number>();
  const caches: SmtpConnectionCache[] = [];
  /** smtp-server does not hand the socket to its hooks: find the connection by its session id and cut it. */
  const dropSession = (id: string) => {
    for (const conn of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) {
      if (conn.id === id) conn._socket.destroy();
    }
  };

  before(async () => {
    port = await freeTcpPort(HOST);
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect(session, cb) { sessionsOpened++; openSessions.add(session.id); cb(); },
      onClose(session) { openSessions.delete(session.id); },
      onMailFrom(_address, session, cb) {
        const n = (transactionsOf.get(session.id) ?? 0) + 1;
        transactionsOf.set(session.id, n);
        if (behaviour.dropAtMailFromOfTransaction && n >= behaviour.dropAtMailFromOfTransaction) {
          dropSession(session.id);
          return;
        }
        cb();
      },
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          if (behaviour.dropAfterDataOfTransaction && transactionsOf.get(session.id) === behaviour.dropAfterDataOfTransaction) {
            dropSession(session.id);
            return;
          }
          const subject = /Subject: (.*)\r\n/.exec(Buffer.concat(parts).toString())?.[1] ?? '';
          received.push({ subject, to: session.envelope.rcptTo.map((r) => r.address), session: session.id });
          cb();
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
  });
  after(async () => {
    for (const c of caches) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    for (const c of caches.splice(0)) c.close();
    received.length = 0;
    behaviour = {};
  });

  const newCache = (opts: ConstructorParameters<typeof SmtpConnectionCache>[0] = {}) => {
    const c = new SmtpConnectionCache({ idleTimeoutMs: 10_000, ...opts });
    caches.push(c);
    return c;
  };
  const request = (subject: string, over: Partial<CachedDeliveryRequest> = {}): CachedDeliveryRequest => ({
    destination: 'remote.test', address: HOST, port, hostName: 'mx.remote.test', heloName: 'mail.sender.test', tls: 'opportunistic',
    from: 'alice@sender.test', recipients: ['bob@remote.test'], size: 100,
    openBody: () => Readable.from([Buffer.from(`Subject: ${subject}\r\n\r\nHello.\r\n`)]),
    timeouts: { connectMs: 5000, greetingMs: 10_000, socketMs: 20_000 }, ...over,
  });
  const delivered = (r: HostDeliveryResult) => (r.kind === 'transaction' ? [...r.outcomes.values()].map((o) => o.kind) : [r.kind]);
  const waitFor = async (cond: () => boolean, what: string) => {
    for (let i = 0; i < 600 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(cond(), what);
  };

  it('sends N messages to one destination over one session when they come one after another', async () => {
    const cache = newCache();
    const before = sessionsOpened;
    for (let i = 0; i < 10; i++) assert.deepEqual(delivered(await cache.deliver(request(`seq ${i}`))), ['delivered']);
    assert.equal(sessionsOpened - before, 1);
    assert.deepEqual(received.map((r) => r.subject), Array.from({ length: 10 }, (_, i) => `seq ${i}`));
    assert.equal(new Set(received.map((r) => r.session)).size, 1);
    assert.deepEqual(cache.stats, { opened: 1, reused: 9, staleRetries: 0 });
  });

  it('with C at a time, uses at most C sessions for many messages', async () => {
    const cache = newCache();
    const before = sessionsOpened;
    const lanes = Array.from({ length: 3 }, async (_, lane) => {
      for (let i = 0; i < 8; i++) assert.deepEqual(delivered(await cache.deliver(request(`lane ${lane} #${i}`))), ['delivered']);
    });
    await Promise.all(lanes);
    assert.equal(received.length, 24);
    assert.equal(new Set(received.map((r) => r.subject)).size, 24);
    assert.ok(sessionsOpened - before <= 3, `${sessionsOpened - before} sessions for 24 messages`);
  });

  it('closes a session after maxTransactions and an idle one after idleTimeoutMs', async () => {
    const cache = newCache({ maxTransactions: 3, idleTimeoutMs: 200 });
    const before = sessionsOpened;
    for (let i = 0; i < 7; i++) await cache.deliver(request(`capped ${i}`));
    assert.equal(sessionsOpened - before, 3); // 3 + 3 + 1
    const used = new Set(received.map((r) => r.session));
    assert.equal(used.size, 3);
    await waitFor(() => cache.idleSessions === 0 && [...used].every((id) => !openSessions.has(id)), 'every session QUIT (2 at the cap, 1 idle)');
  });

  it('never shares a session across destinations, TLS modes, host names or HELO names', async () => {
    const cache = newCache();
    await cache.deliver(request('a'));
    await cache.deliver(request('b', { destination: 'other.test' }));
    await cache.deliver(request('c', { tls: 'none' }));
    await cache.deliver(request('d', { heloName: 'other.sender.test' }));
    await cache.deliver(request('e', { hostName: 'mx2.remote.test' }));
    assert.equal(cache.stats.opened, 5);
    // Each key has its own idle session: the same kinds reuse them.
    await cache.deliver(request('a2'));
    await cache.deliver(request('c2', { tls: 'none' }));
    assert.equal(cache.stats.opened, 5);
    assert.equal(cache.stats.reused, 2);
    const sessionOf = (s: string) => received.find((r) => r.subject === s)!.session;
    assert.equal(sessionOf('a2'), sessionOf('a'));
    assert.equal(sessionOf('c2'), sessionOf('c'));
    assert.notEqual(sessionOf('c'), sessionOf('a'));
  });

  it('keeps per-recipient replies on a reused session and RSETs after a refused transaction', async () => {
    const cache = newCache();
    await cache.deliver(request('first'));
    const mixed = await cache.deliver(request('mixed', { recipients: ['bob@remote.test', 'nobody@remote.test'] }));
    assert.equal(mixed.kind, 'transaction');
    if (mixed.kind !== 'transaction') return;
    assert.equal(mixed.outcomes.get('bob@remote.test')!.kind, 'delivered');
    assert.equal(mixed.outcomes.get('nobody@remote.test')!.kind, 'permanent');
    assert.match(mixed.outcomes.get('nobody@remote.test')!.reply, /^550/);
    // Every recipient refused: the transaction fails at RCPT; the session is RSET and kept.
    const refused = await cache.deliver(request('refused', { recipients: ['nobody@remote.test'] }));
    assert.deepEqual(delivered(refused), ['permanent']);
    assert.deepEqual(delivered(await cache.deliver(request('after refusal'))), ['delivered']);
    assert.equal(cache.stats.opened, 1);
    assert.deepEqual(received.map((r) => [r.subject, r.to]), [['first', ['bob@remote.test']], ['mixed', ['bob@remote.test']], ['after refusal', ['bob@remote.test']]]);
  });

  it('a session dropped at the next MAIL FROM: the message goes over a fresh session, exactly once', async () => {
    const cache = newCache();
    behaviour = { dropAtMailFromOfTransaction: 2 };
    assert.deepEqual(delivered(await cache.deliver(request('before the drop'))), ['delivered']);
    assert.deepEqual(delivered(await cache.deliver(request('after the drop'))), ['delivered']);
    assert.equal(cache.stats.staleRetries, 1);
    assert.equal(cache.stats.opened, 2);
    assert.deepEqual(received.map((r) => r.subject), ['before the drop', 'after the drop']);
  });

  it('a session the server closed while idle is not used', async () => {
    const cache = newCache();
    await cache.deliver(request('one'));
    const sessionId = received[0]!.session;
    // The server ends the idle session (its own idle timeout, a restart).
    dropSession(sessionId);
    await waitFor(() => cache.idleSessions === 0, 'the cache noticed the close');
    assert.deepEqual(delivered(await cache.deliver(request('two'))), ['delivered']);
    assert.equal(cache.stats.opened, 2);
    assert.deepEqual(received.map((r) => r.subject), ['one', 'two']);
  });

  it('a session lost after the body went out is a temporary failure, not retried behind the queue\'s back', async () => {
    const cache = newCache();
    behaviour = { dropAfterDataOfTransaction: 2 };
    await cache.deliver(request('kept'));
    const lost = await cache.deliver(request('lost in DATA'));
    assert.deepEqual(delivered(lost), ['temporary']);
    assert.equal(cache.stats.staleRetries, 0);
    // The queue tries again later (test/mail/queue/queue-runner-reuse.test.ts): a fresh session takes it.
    behaviour = {};
    assert.deepEqual(delivered(await cache.deliver(request('lost in DATA'))), ['delivered']);
    assert.deepEqual(received.map((r) => r.subject), ['kept', 'lost in DATA']);
  });

  it('close() QUITs idle sessions and later ones are not kept', async () => {
    const cache = newCache();
    await cache.deliver(request('x'));
    assert.equal(cache.idleSessions, 1);
    cache.close();
    assert.equal(cache.idleSessions, 0);
    const id = received[0]!.session;
    await waitFor(() => !openSessions.has(id), 'the server saw the session end');
    await cache.deliver(request('y'));
    assert.equal(cache.idleSessions, 0);
  });
});


