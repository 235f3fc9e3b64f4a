// The admin API's security rules, checked against the real agent: every operation in the
// OpenAPI document refuses an anonymous caller with 401 unless the document says it is public;
// every state-changing operation refuses a foreign Origin with 403 even with a valid session;
// the websocket upgrade is refused without a session (401) and from a foreign origin (403).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import type { WsMessage } from '../../ui/shared/ws-messages.js';
import { setupFirstAdmin, startAgentFixture, waitFor, type AgentFixture, type ApiClient, type HttpResult } from './agent-fixture.js';

interface Operation { method: string; path: string; security: unknown[] }

const PUBLIC_OPERATIONS = [
  'get /api/v1/health', 'get /api/v1/openapi.json', 'post /api/v1/session', 'get /api/v1/setup', 'post /api/v1/setup',
  'get /.well-known/autoconfig/mail/config-v1.1.xml', 'get /mail/config-v1.1.xml', 'post /autodiscover/autodiscover.xml',
  // Mailing lists: RFC 8058 one-click unsubscribe and the confirmation page (the token is the credential).
  'post /api/v1/lists/unsubscribe/{token}', 'get /api/v1/lists/unsubscribe/{token}', 'get /api/v1/lists/confirm/{token}', 'post /api/v1/lists/confirm/{token}',
];

function operations(doc: unknown): Operation[] {
  const paths = (doc as { paths: Record<string, Record<string, { security: unknown[] }>> }).paths;
  return Object.entries(paths).flatMap(([p, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path: p, security: op.security })));
}

/** A concrete URL for a documented path: parameters filled with harmless values. */
function concrete(p: string): string {
  return p.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'address' ? 'nobody%40example.com' : name === 'name' ? 'example.com' : 'abc123'));
}

function errorCode(res: HttpResult): string | undefined {
  return (res.json as { error?: { code?: string } } | null)?.error?.code;
}

type UpgradeResult = { opened: true; ws: WebSocket } | { opened: false; status: number; body: string };

function upgrade(ws: WebSocket): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ opened: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    ws.once('error', reject);
  });
}

describe('admin API security', () => {
  let f: AgentFixture;
  let admin: ApiClient;
  let ops: Operation[];

  before(async () => {
    f = await startAgentFixture();
    admin = f.client();
    await setupFirstAdmin(f, admin);
    ops = operations((await admin.request('GET', '/api/v1/openapi.json')).json);
  });
  after(async () => { await f.cleanup(); });

  test('the document lists every resource, and exactly the public operations are public', () => {
    const names = ops.map((o) => `${o.method} ${o.path}`);
    for (const needed of [
      'get /api/v1/system', 'get /api/v1/domains', 'post /api/v1/domains', 'get /api/v1/users', 'post /api/v1/users', 'get /api/v1/aliases',
      'get /api/v1/queue', 'get /api/v1/alerts', 'get /api/v1/logs', 'get /api/v1/audit', 'delete /api/v1/session', 'get /api/v1/events',
      'get /metrics', 'get /api/v1/users/{address}/mobileconfig',
    ]) assert.ok(names.includes(needed), `${needed} is documented`);
    const publicOps = ops.filter((o) => o.security.length === 0).map((o) => `${o.method} ${o.path}`).sort();
    assert.deepEqual(publicOps, [...PUBLIC_OPERATIONS].sort());
    assert.equal(new Set(names).size, names.length);
  });

  test('every secured operation refuses an anonymous caller with 401; public ones answer', async () => {
    const anonymous = f.client();
    for (const op of ops) {
      const method = op.method.toUpperCase();
      const res = await anonymous.request(method, concrete(op.path), method === 'GET' ? {} : { json: {} });
      const what = `${method} ${op.path} -> ${res.status} ${res.text.slice(0, 200)}`;
      if (op.security.length > 0) {
        assert.equal(res.status, 401, what);
        assert.equal(errorCode(res), 'unauthenticated', what);
      } else {
        assert.notEqual(res.status, 401, what);
        assert.ok(res.status < 500, what);
      }
    }
    assert.equal(anonymous.cookies.size, 0);
  });

  test('a forged or foreign cookie is no session', async () => {
    const forger = f.client();
    forger.cookies.set('__Host-mailroom-session', 'A'.repeat(43));
    assert.equal((await forger.request('GET', '/api/v1/domains')).status, 401);
    forger.cookies.clear();
    forger.cookies.set('mailroom-session', [...admin.cookies.values()][0]!);
    assert.equal((await forger.request('GET', '/api/v1/domains')).status, 401, 'only the __Host- cookie counts');
  });

  test('every state-changing operation refuses a foreign Origin with 403, even with a valid session, and changes nothing', async () => {
    const writes = ops.filter((o) => o.method !== 'get');
    assert.ok(writes.length >= 12);
    for (const op of writes) {
      for (const origin of ['https://evil.example', `http://127.0.0.1:${f.httpsPort}`, 'null', `https://127.0.0.1:${f.httpsPort}.evil.example`]) {
        const json = op.path === '/api/v1/domains' ? { name: 'evil.example' } : op.path === '/api/v1/session' ? { username: 'root', password: 'x' } : {};
        const res = await admin.request(op.method.toUpperCase(), concrete(op.path), { json, origin });
        assert.equal(res.status, 403, `${op.method} ${op.path} from ${origin}: ${res.status} ${res.text}`);
        assert.equal(errorCode(res), 'foreign_origin');
      }
    }
    // No Origin, but the browser says the request came from another site.
    const res = await admin.request('POST', '/api/v1/domains', { json: { name: 'evil.example' }, origin: null, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(res.status, 403);
    assert.deepEqual((await admin.request('GET', '/api/v1/domains')).json, [], 'no domain was added');
    assert.equal((await admin.request('GET', '/api/v1/session')).status, 200, 'the session survived the forged logouts');
    // The same request from the panel's own origin goes through.
    assert.equal((await admin.request('POST', '/api/v1/domains', { json: { name: 'ok.example' } })).status, 201);
  });

  test('websocket: 401 without a session, 403 from a foreign origin, 404 elsewhere; with a session, typed channel messages', async () => {
    const anonymous = await upgrade(f.client().websocket({ cookies: false }));
    assert.equal(anonymous.opened, false);
    assert.equal((anonymous as { status: number }).status, 401);
    assert.deepEqual(JSON.parse((anonymous as { body: string }).body), { error: { code: 'unauthenticated', message: 'log in first' } });

    const foreign = await upgrade(admin.websocket({ origin: 'https://evil.example' }));
    assert.deepEqual([foreign.opened, (foreign as { status: number }).status], [false, 403]);

    const opened = await upgrade(admin.websocket());
    assert.ok(opened.opened);
    const ws = opened.ws;
    const messages: WsMessage[] = [];
    let closeCode = 0;
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as WsMessage));
    ws.on('close', (code) => { closeCode = code; });
    const metrics = await waitFor(() => messages.find((m) => m.type === 'metrics'), 5000, 'a metrics message');
    assert.ok(metrics.type === 'metrics' && metrics.sample.cpu.cores.length > 0);
    // Log lines of the mail daemon arrive on `logs`.
    f.tap.sink({ write() { return true; } }).write(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'live line' }) + '\n');
    await waitFor(() => messages.find((m) => m.type === 'logs' && m.line.msg === 'live line'), 5000, 'the log line');
    // The queue runner's outcomes arrive on `deliveries`, and the queue's new size on `queue`.
    f.tap.onQueueEvent({ type: 'delivered', qid: 'q1', recipient: 'x@remote.example', reply: '250 2.0.0 ok', remoteMta: 'mx.remote.example' });
    const delivery = await waitFor(() => messages.find((m) => m.type === 'deliveries'), 5000, 'the delivery');
    assert.ok(delivery.type === 'deliveries' && delivery.delivery.type === 'delivered' && delivery.delivery.recipient === 'x@remote.example');
    await waitFor(() => messages.find((m) => m.type === 'queue'), 5000, 'the queue summary');
    for (const m of messages) assert.ok(['metrics', 'logs', 'queue', 'deliveries', 'alerts', 'jobs'].includes(m.type));

    // Narrowed to alerts: no more metrics.
    ws.send(JSON.stringify({ type: 'subscribe', channels: ['alerts'] }));
    await new Promise((r) => setTimeout(r, 200));
    const count = messages.length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(messages.length, count, 'nothing on unsubscribed channels');

    // Logging out closes the session's sockets.
    assert.equal((await admin.request('DELETE', '/api/v1/session')).status, 200);
    await waitFor(() => closeCode !== 0, 5000, 'the socket to close');
    assert.equal(closeCode, 4401);
    const after = await upgrade(admin.websocket());
    assert.deepEqual([after.opened, (after as { status: number }).status], [false, 401]);
  });

  test('answers carry the security headers; unknown API paths are JSON 404s', async () => {
    const res = await f.client().request('GET', '/api/v1/health');
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['x-powered-by'], undefined);
    const missing = await f.client().request('GET', '/api/v1/nothing');
    assert.deepEqual([missing.status, errorCode(missing)], [404, 'not_found']);
  });
});
