// The services page's probes against real sockets on loopback: a plain listener, a TLS
// listener whose certificate's expiry is read, a closed port, a disabled listener, a clamd
// stand-in answering PONG, an rspamd stand-in answering /ping, and a mail daemon that is down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { probeHost, probePort } from '../../../agent/services/port-probe.js';
import { probeServices } from '../../../agent/services/service-probe.js';
import { selfSignedCert } from '../../mail/session/smtp/harness.js';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('wildcard addresses are probed on loopback', () => {
  assert.equal(probeHost('*'), '127.0.0.1');
  assert.equal(probeHost('0.0.0.0'), '127.0.0.1');
  assert.equal(probeHost('::'), '127.0.0.1');
  assert.equal(probeHost('127.0.0.2'), '127.0.0.2');
  assert.equal(probeHost('[::1]'), '::1');
});

test('listeners: listening, listening with TLS and its certificate expiry, closed, disabled', async (t) => {
  // The probes hang up abruptly: the servers' side of that is no error of the test's.
  const plain = net.createServer((s) => { s.on('error', () => undefined); s.end('220 hi\r\n'); });
  const { key, cert } = selfSignedCert();
  const secure = tls.createServer({ key, cert }, (s) => { s.on('error', () => undefined); s.end(); });
  secure.on('tlsClientError', () => undefined);
  const plainPort = await listen(plain);
  const tlsPort = await listen(secure);
  t.after(() => { plain.close(); secure.close(); });
  const closed = await closedPort();

  const a = await probePort('127.0.0.1', plainPort, { tls: false });
  assert.deepEqual(a, { state: 'listening', error: null, certificateExpires: null, tlsError: null });
  const b = await probePort('127.0.0.1', tlsPort, { tls: true, servername: 'mx.example.com' });
  assert.equal(b.state, 'listening');
  assert.equal(b.certificateExpires, new Date(new X509Certificate(cert).validTo).toISOString());
  const c = await probePort('127.0.0.1', closed, { tls: false });
  assert.equal(c.state, 'closed');
  assert.equal(c.error, 'ECONNREFUSED');
  // TLS expected but the port speaks plain text: listening, with the handshake's failure.
  const d = await probePort('127.0.0.1', plainPort, { tls: true, timeoutMs: 5000 });
  assert.equal(d.state, 'listening');
  assert.equal(d.certificateExpires, null);
  assert.ok(d.tlsError);

  const report = await probeServices({
    hostname: 'mx.example.com', version: '1.2.3',
    listen: { smtp: `127.0.0.1:${plainPort}`, imaps: `127.0.0.1:${tlsPort}`, pop3: `127.0.0.1:${closed}`, pop3s: null },
    mailHealth: async () => { throw new Error('the mail daemon is not running'); },
    rspamd: null, clamd: null,
  });
  const byName = new Map(report.listeners.map((l) => [l.name, l]));
  assert.equal(byName.get('smtp')!.state, 'listening');
  assert.equal(byName.get('imaps')!.tls, true);
  assert.ok(byName.get('imaps')!.certificateExpires);
  assert.equal(byName.get('pop3')!.state, 'closed');
  assert.equal(byName.get('pop3s')!.state, 'disabled');
  assert.deepEqual(report.services.map((s) => [s.name, s.state]), [['mail', 'down'], ['agent', 'up']]);
  assert.match(report.services[0]!.detail!, /not running/);
});

test('services: helper, rspamd and clamd when configured; down when they do not answer', async (t) => {
  const rspamd = http.createServer((req, res) => { res.writeHead(req.url === '/ping' ? 200 : 404); res.end('pong\r\n'); });
  const clamd = net.createServer((s) => s.once('data', (d) => { if (d.toString() === 'zPING\0') s.end('PONG\0'); else s.end('UNKNOWN COMMAND\0'); }));
  const rspamdPort = await listen(rspamd);
  const clamdPort = await listen(clamd);
  t.after(() => { rspamd.close(); clamd.close(); });
  const report = await probeServices({
    hostname: 'mx.example.com', version: '1.2.3', listen: {},
    mailHealth: async () => ({ version: '1.2.3', uptime: 42, pid: 7 }),
    helperPing: async () => ({ version: '1.2.3', pid: 9 }),
    rspamd: `http://127.0.0.1:${rspamdPort}`, clamd: `tcp://127.0.0.1:${clamdPort}`,
  });
  assert.deepEqual(report.services.map((s) => [s.name, s.state]), [['mail', 'up'], ['agent', 'up'], ['helper', 'up'], ['rspamd', 'up'], ['clamd', 'up']]);
  assert.equal(report.services[0]!.uptime, 42);

  const dead = await closedPort();
  const down = await probeServices({
    hostname: 'mx.example.com', version: '1.2.3', listen: {}, timeoutMs: 5000,
    mailHealth: async () => ({ version: '1.2.3', uptime: 1, pid: 7 }),
    helperSocket: '/nonexistent/helper.sock', helperPing: async () => ({}),
    rspamd: `http://127.0.0.1:${dead}`, clamd: `tcp://127.0.0.1:${dead}`,
  });
  assert.deepEqual(down.services.map((s) => [s.name, s.state]), [['mail', 'up'], ['agent', 'up'], ['rspamd', 'down'], ['clamd', 'down']], 'no helper socket: not listed');
});
