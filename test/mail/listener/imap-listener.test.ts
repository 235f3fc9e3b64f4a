// The IMAP listeners: per-IP and total connection limits (BYE [UNAVAILABLE] on 143, a plain
// close on 993), connection ids in the logs, and the drain on close().

import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { imapHarness, type HarnessOptions, type ImapHarness } from '../session/imap/engine-harness.js';

describe('IMAP listener', () => {
  let h: ImapHarness | null = null;
  const harness = async (options: HarnessOptions = {}) => (h = await imapHarness(options));
  afterEach(async () => { await h?.close(); h = null; });

  it('over the per-IP limit: BYE [UNAVAILABLE] instead of a greeting on 143, a close on 993', async () => {
    const h = await harness({ connections: { connectionsPerIp: 3 } });
    const clients = [];
    for (let i = 0; i < 3; i++) clients.push(await h.connect());
    for (const c of clients) assert.match(await c.line(), /^\* OK \[CAPABILITY /);
    const over = await h.connect();
    assert.equal(await over.line(), '* BYE [UNAVAILABLE] Too many connections, try again later');
    assert.ok(await over.waitClosed());
    assert.equal(h.service.listeners[0]!.connections, 3);
    // The TLS port counts its own connections; over its limit the client gets no handshake.
    const tlsClients = [];
    for (let i = 0; i < 3; i++) tlsClients.push(await h.connect('imaps'));
    await assert.rejects(h.connect('imaps'));
    assert.ok(h.logs.filter((l) => l.msg === 'connection refused' && l.outcome === 'too-many-from-ip').length >= 2);
    // A slot comes back when a client leaves.
    clients[0]!.destroy();
    for (let i = 0; i < 50 && h.service.listeners[0]!.connections === 3; i++) await new Promise((r) => setTimeout(r, 20));
    const again = await h.connect();
    assert.match(await again.line(), /^\* OK /);
    for (const c of [...clients, ...tlsClients, again]) c.destroy();
  });

  it('over the total limit: refused the same way', async () => {
    const h = await harness({ connections: { maxConnections: 2 } });
    const a = await h.connect();
    const b = await h.connect();
    await a.line();
    await b.line();
    const over = await h.connect();
    assert.equal(await over.line(), '* BYE [UNAVAILABLE] Too many connections, try again later');
    assert.ok(h.logs.some((l) => l.msg === 'connection refused' && l.outcome === 'too-many'));
    a.destroy();
    b.destroy();
  });

  it('gives every connection its own id, on every log line of the session', async () => {
    const h = await harness();
    const a = await h.login();
    const b = await h.login();
    await a.command('NOOP');
    await b.command('NOOP');
    a.destroy();
    b.destroy();
    for (let i = 0; i < 50 && h.logs.filter((l) => l.msg === 'imap closed').length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const connected = h.logs.filter((l) => l.msg === 'imap connected');
    assert.equal(connected.length, 2);
    const [cidA, cidB] = connected.map((l) => l.cid as string);
    assert.ok(cidA && cidB && cidA !== cidB);
    for (const cid of [cidA, cidB]) {
      const lines = h.logs.filter((l) => l.cid === cid);
      assert.deepEqual(lines.map((l) => l.msg).filter((m) => m !== 'imap command'), ['imap connected', 'imap login', 'imap closed']);
      assert.ok(lines.every((l) => l.proto === 'imap' && l.component === 'imap' && l.remote === '127.0.0.1'));
    }
  });

  it('close() drains: idle sessions get BYE, new connections are refused, the listener stops', async () => {
    const h = await harness();
    const a = await h.login();
    const b = await h.connect();
    await b.line();
    const port = h.service.addresses.imap!.port;
    const closing = h.service.close(2000);
    assert.equal(await a.line(), '* BYE [UNAVAILABLE] Server shutting down');
    assert.equal(await b.line(), '* BYE [UNAVAILABLE] Server shutting down');
    assert.ok(await a.waitClosed());
    assert.ok(await b.waitClosed());
    await closing;
    await assert.rejects(new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => { s.destroy(); resolve(undefined); });
      s.once('error', reject);
    }));
    assert.ok(h.logs.some((l) => l.msg === 'draining' && l.listener === 'imap'));
  });

  it('a session stuck past the drain deadline is cut off', async () => {
    const h = await harness();
    const c = await h.login();
    // An APPEND being received is waited for; this one never finishes.
    c.send('p1 APPEND INBOX {100}\r\n');
    assert.match(await c.line(), /^\+ /);
    c.send('partial');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await h.service.close(300);
    assert.ok(await c.waitClosed());
    assert.ok(Date.now() - started < 2000);
    assert.ok(h.logs.some((l) => l.outcome === 'cut-off'));
    assert.equal((await h.store.store.listMessages(h.aliceId, 'INBOX')).length, 0, 'the cut-off APPEND left nothing');
  });
});
