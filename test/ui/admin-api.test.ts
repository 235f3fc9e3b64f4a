// The admin REST API end to end in one process: the real agent over HTTPS on 127.0.0.1, the real
// control server and store behind it. First-run setup, the session, every mail resource with
// the CLI's rules and messages, system and hardware, alerts, logs and the audit log.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditEntry, MailUser, MetricsHistory, QueueResponse, SystemInfo } from '../../ui/shared/api-types.js';
import { chunks } from '../mail/store/store-fixture.js';
import { PASSWORD, runCli, startAgentFixture, type AgentFixture, type ApiClient } from './agent-fixture.js';

const errorOf = (json: unknown) => (json as { error: { code: string; message: string } }).error;

describe('admin API', () => {
  let f: AgentFixture;
  let api: ApiClient;
  before(async () => { f = await startAgentFixture(); api = f.client(); });
  after(async () => { await f.cleanup(); });

  test('a fresh appliance asks for setup; the token is in the log; health and the document are public', async () => {
    assert.deepEqual((await api.request('GET', '/api/v1/setup')).json, { required: true });
    assert.deepEqual((await api.request('GET', '/api/v1/health')).json, { status: 'ok' });
    assert.equal((await api.request('GET', '/api/v1/openapi.json')).status, 200);
    const line = f.logs.find((l) => typeof l.setupToken === 'string');
    assert.ok(line, 'the setup token is logged');
    assert.equal(line.setupToken, f.agent.setupToken);
    assert.equal((await api.request('GET', '/api/v1/domains')).status, 401);
  });

  test('setup: a wrong token is refused, a weak password too (the token stays), then the first admin is created and logged in', async () => {
    let res = await api.request('POST', '/api/v1/setup', { json: { token: 'guess', username: 'root', password: PASSWORD } });
    assert.equal(res.status, 403);
    assert.equal(errorOf(res.json).code, 'setup_token_invalid');
    res = await api.request('POST', '/api/v1/setup', { json: { token: f.agent.setupToken, username: 'root', password: 'root123456' } });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.json).code, 'weak_password');
    res = await api.request('POST', '/api/v1/setup', { json: { token: f.agent.setupToken, username: 'Root', password: PASSWORD } });
    assert.equal(res.status, 201, res.text);
    assert.equal((res.json as { username: string }).username, 'root');
    const cookie = api.setCookies.at(-1)!;
    assert.match(cookie, /^__Host-mailroom-session=[A-Za-z0-9_-]{40,}; /);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) assert.ok(cookie.split('; ').includes(attr), `${attr} in ${cookie}`);
    assert.equal((await api.request('GET', '/api/v1/session')).status, 200);
    // Spent: a second setup is refused, even with the right token.
    const other = f.client();
    res = await other.request('POST', '/api/v1/setup', { json: { token: f.agent.setupToken ?? 'x', username: 'second', password: PASSWORD } });
    assert.equal(res.status, 409);
    assert.equal(errorOf(res.json).code, 'setup_done');
    assert.deepEqual((await other.request('GET', '/api/v1/setup')).json, { required: false });
  });

  test('domains: add, list, DNS records; refusals with the directory\'s codes and the CLI\'s words', async () => {
    let res = await api.request('POST', '/api/v1/domains', { json: { name: 'Example.com' } });
    assert.equal(res.status, 201, res.text);
    assert.equal((res.json as { name: string }).name, 'example.com');
    res = await api.request('POST', '/api/v1/domains', { json: { name: 'example.com' } });
    assert.equal(res.status, 409);
    const cli = await runCli(f.dataDir, ['domain', 'add', 'example.com']);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, `mailroom: ${errorOf(res.json).message}\n`, 'the same message as the CLI');
    assert.equal(errorOf(res.json).code, 'domain_exists');
    res = await api.request('POST', '/api/v1/domains', { json: { name: 'not a domain' } });
    assert.deepEqual([res.status, errorOf(res.json).code], [400, 'invalid_domain']);
    res = await api.request('POST', '/api/v1/domains', { json: { nom: 'x' } });
    assert.deepEqual([res.status, errorOf(res.json).code], [400, 'invalid_request']);
    res = await api.request('POST', '/api/v1/domains', { body: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([res.status, errorOf(res.json).code], [400, 'invalid_json']);
    assert.deepEqual(((await api.request('GET', '/api/v1/domains')).json as { name: string }[]).map((d) => d.name), ['example.com']);
    const dns = (await api.request('GET', '/api/v1/domains/example.com/dns')).json as { type: string; name: string; value: string }[];
    assert.deepEqual(dns[0], { type: 'MX', name: 'example.com.', value: '10 mx.example.com.' });
    assert.ok(dns.some((r) => r.name.endsWith('._domainkey.example.com.')));
  });

  test('users: add with a quota, usage, one, password, quota, remove; the CLI\'s rules', async () => {
    let res = await api.request('POST', '/api/v1/users', { json: { address: 'alice@example.com', password: PASSWORD, quota: '500M' } });
    assert.equal(res.status, 201, res.text);
    const alice = res.json as MailUser;
    assert.deepEqual([alice.address, alice.quota, alice.usage], ['alice@example.com', 500 * 1024 * 1024, { bytes: 0, messages: 0 }]);
    res = await api.request('POST', '/api/v1/users', { json: { address: 'bob@example.com', password: 'short' } });
    assert.deepEqual(errorOf(res.json), { code: 'weak_password', message: 'password is too short: use at least 10 characters' });
    const cli = await runCli(f.dataDir, ['user', 'add', 'bob@example.com', '--password-stdin'], 'short\n');
    assert.equal(cli.stderr, 'mailroom: password is too short: use at least 10 characters\n');
    res = await api.request('POST', '/api/v1/users', { json: { address: 'bob@example.com', password: PASSWORD, quota: 'lots' } });
    assert.deepEqual([res.status, errorOf(res.json)], [400, { code: 'invalid_size', message: '"lots" is not a size (write it like 60K, 500M, 2G, or unlimited)' }]);
    res = await api.request('POST', '/api/v1/users', { json: { address: 'bob@nowhere.example', password: PASSWORD } });
    assert.equal(res.status, 400);
    res = await api.request('POST', '/api/v1/users', { json: { address: 'bob@example.com', password: PASSWORD } });
    assert.equal(res.status, 201);

    const tx = f.mailStore.beginDelivery();
    tx.addRecipient({ userId: alice.id });
    await tx.writeBody(chunks('Subject: hello\r\n\r\nbody\r\n'));
    await tx.commit();
    const users = (await api.request('GET', '/api/v1/users?domain=example.com')).json as MailUser[];
    assert.deepEqual(users.map((u) => [u.address, u.usage.messages]), [['alice@example.com', 1], ['bob@example.com', 0]]);
    assert.equal(((await api.request('GET', '/api/v1/users/alice%40example.com')).json as MailUser).usage.messages, 1);
    res = await api.request('GET', '/api/v1/users/nobody@example.com');
    assert.deepEqual([res.status, errorOf(res.json).code], [404, 'unknown_user']);

    res = await api.request('PUT', '/api/v1/users/alice@example.com/password', { json: { password: 'another fine passphrase' } });
    assert.equal(res.status, 200, res.text);
    assert.ok(await f.directory.verifyPassword('alice@example.com', 'another fine passphrase'));
    res = await api.request('PUT', '/api/v1/users/alice@example.com/quota', { json: { quota: 'unlimited' } });
    assert.deepEqual(res.json, { address: 'alice@example.com', quota: null });
    res = await api.request('PUT', '/api/v1/users/alice@example.com/quota', { json: { quota: 1048576 } });
    assert.deepEqual(res.json, { address: 'alice@example.com', quota: 1048576 });
    res = await api.request('DELETE', '/api/v1/users/bob@example.com');
    assert.deepEqual(res.json, { removed: 'bob@example.com' });
  });

  test('aliases: add (list or comma word), list, remove', async () => {
    let res = await api.request('POST', '/api/v1/aliases', { json: { address: 'team@example.com', targets: 'alice@example.com' } });
    assert.equal(res.status, 201, res.text);
    res = await api.request('POST', '/api/v1/aliases', { json: { address: 'sales@example.com', targets: ['nobody@example.com'] } });
    assert.deepEqual([res.status, errorOf(res.json).code], [400, 'unknown_target']);
    assert.deepEqual((await api.request('GET', '/api/v1/aliases')).json, [{ address: 'team@example.com', targets: ['alice@example.com'] }]);
    res = await api.request('DELETE', '/api/v1/aliases/team@example.com');
    assert.deepEqual(res.json, { removed: 'team@example.com' });
  });

  test('queue: list with summary, retry, remove, unknown id', async () => {
    const id = await f.spool.enqueue({ from: 'alice@example.com', recipients: ['x@remote.example'] }, chunks('Subject: out\r\n\r\nhi\r\n'));
    const q = (await api.request('GET', '/api/v1/queue')).json as QueueResponse;
    assert.equal(q.summary.messages, 1);
    assert.deepEqual(q.messages.map((m) => [m.id, m.sender, m.recipients[0]!.address]), [[id, 'alice@example.com', 'x@remote.example']]);
    assert.deepEqual((await api.request('POST', `/api/v1/queue/${id}/retry`)).json, { id, due: 1 });
    assert.deepEqual((await api.request('DELETE', `/api/v1/queue/${id}`)).json, { removed: id });
    const res = await api.request('DELETE', `/api/v1/queue/${id}`);
    assert.deepEqual([res.status, errorOf(res.json).code], [404, 'queue_message_not_found']);
  });

  test('stats and the mail daemon\'s log lines', async () => {
    const sink = f.tap.sink({ write() { return true; } });
    sink.write(JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'from the daemon', cid: 'c9' }) + '\n');
    sink.write(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'message', mailboxes: 1, outcome: 'delivered' }) + '\n');
    const logs = (await api.request('GET', '/api/v1/logs?level=warn&limit=10')).json as { msg: string; cid?: string }[];
    assert.deepEqual(logs.map((l) => [l.msg, l.cid]), [['from the daemon', 'c9']]);
    assert.equal((await api.request('GET', '/api/v1/logs?level=loud')).status, 400);
    const stats = (await api.request('GET', '/api/v1/stats')).json as { received: number; queue: { messages: number } };
    assert.equal(stats.received, 1);
    assert.equal(stats.queue.messages, 0);
  });

  test('system, metric history and alerts', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    const sys = (await api.request('GET', '/api/v1/system')).json as SystemInfo;
    assert.equal(sys.hostname, 'mx.example.com');
    assert.equal(sys.versions.node, process.version);
    assert.equal(sys.versions.mailDaemon, '0.1.0');
    assert.ok(sys.cpu.count > 0 && sys.cpu.cores.length === sys.cpu.count, JSON.stringify(sys.cpu));
    assert.ok(sys.memory && sys.memory.total > 0);
    assert.ok(sys.disks.length > 0);
    assert.deepEqual(sys.mailDaemon.up, true);
    assert.equal(sys.smart.available, true);
    const hour = (await api.request('GET', '/api/v1/metrics/history?range=1h')).json as MetricsHistory;
    assert.equal(hour.resolution, 1);
    assert.ok(hour.samples.length >= 1);
    assert.equal(((await api.request('GET', '/api/v1/metrics/history?range=7d')).json as MetricsHistory).resolution, 300);
    assert.equal((await api.request('GET', '/api/v1/metrics/history?range=1y')).status, 400);
    const alerts = (await api.request('GET', '/api/v1/alerts')).json as { active: unknown[]; recent: unknown[] };
    assert.ok(Array.isArray(alerts.active) && Array.isArray(alerts.recent));
  });

  test('the audit log has every change with who, when, what and where from, and no secrets', async () => {
    const entries = (await api.request('GET', '/api/v1/audit?limit=100')).json as AuditEntry[];
    const actions = entries.map((e) => `${e.action}:${e.outcome}`);
    for (const a of ['admin.setup:ok', 'domain.add:ok', 'domain.add:refused', 'user.add:ok', 'user.add:refused', 'user.password:ok', 'user.quota:ok', 'user.remove:ok', 'alias.add:ok', 'alias.remove:ok', 'queue.retry:ok', 'queue.remove:ok', 'queue.remove:refused']) {
      assert.ok(actions.includes(a), `${a} in ${actions.join(' ')}`);
    }
    const add = entries.find((e) => e.action === 'user.add' && e.outcome === 'ok' && e.target === 'alice@example.com')!;
    assert.equal(add.actor, 'root');
    assert.equal(add.ip, '127.0.0.1');
    assert.ok(!Number.isNaN(Date.parse(add.time)));
    assert.ok(entries.some((e) => e.action === 'domain.add' && e.outcome === 'refused' && e.code === 'domain_exists' && e.target === 'example.com'));
    const file = readFileSync(path.join(f.dataDir, 'audit.log'), 'utf8');
    assert.ok(!file.includes(PASSWORD) && !file.includes('another fine passphrase'), 'no password in the audit log');
    assert.ok(!file.includes(f.agent.setupToken ?? 'no-token'), 'no setup token in the audit log');
  });

  test('with the mail daemon down, mail resources answer 503 mail_daemon_unavailable', async () => {
    await f.stopControl();
    const res = await api.request('GET', '/api/v1/domains');
    assert.deepEqual([res.status, errorOf(res.json).code], [503, 'mail_daemon_unavailable']);
    const sys = (await api.request('GET', '/api/v1/system')).json as SystemInfo;
    assert.equal(sys.mailDaemon.up, false);
  });

  test('logout ends the session and clears the cookie', async () => {
    const res = await api.request('DELETE', '/api/v1/session');
    assert.equal(res.status, 200);
    assert.match(api.setCookies.at(-1)!, /^__Host-mailroom-session=; Path=\/; Max-Age=0/);
    assert.equal(api.cookies.size, 0);
    assert.equal((await api.request('GET', '/api/v1/session')).status, 401);
  });
});
