// The real `mailroom serve` and the real `mailroom agent`, two processes on loopback ports, the
// agent administering mail through the daemon's control socket: first-run setup with the
// printed token, domains and users made in the panel's API and seen by the CLI and by SMTP,
// live log lines on the websocket, an alert mailed into a local mailbox, and the mail daemon
// going down and coming back (503s, the service alert raised and resolved, its mails sent once
// the daemon is back).
//
// Skipped (with a message) until mail/main.ts starts the control server.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Alert, MailStats, MailUser } from '../../ui/shared/api-types.js';
import type { WsMessage } from '../../ui/shared/ws-messages.js';
import { ApiClient } from '../ui/agent-fixture.js';
import { AgentProcess } from './agent-process.js';
import { buildMessage, getFreePort, MailroomInstance, rawDeliver, TEST_PASSWORD, uniqueToken, waitFor } from './harness.js';

describe('mailroom agent with mailroom serve', () => {
  let inst: MailroomInstance;
  let agent: AgentProcess | null = null;
  let api: ApiClient;
  let adminPort = 0;

  before(async () => {
    adminPort = await getFreePort();
    const httpPort = await getFreePort();
    inst = await MailroomInstance.start({
      hostname: 'mx.e2e.test',
      domains: ['e2e.test'],
      users: ['alice@e2e.test'],
      editConfig: (cfg) => {
        (cfg.listen as Record<string, unknown>).admin = `127.0.0.1:${adminPort}`;
        (cfg.listen as Record<string, unknown>).http = `127.0.0.1:${httpPort}`;
        // diskPercent 1: the test machine's disk is surely fuller than that, so an alert fires at once.
        cfg.agent = { sampleInterval: 1, alertInterval: 1, alertEmail: 'alice@e2e.test', alerts: { diskPercent: 1 } };
      },
    });
    const socket = path.join(inst.dataDir, 'run', 'control.sock');
    // The daemon serves its control socket (mail/main.ts): no socket is a failure, not a skip.
    await waitFor(() => existsSync(socket), 30_000, 'the control socket');
    agent = new AgentProcess(inst.dataDir);
    api = new ApiClient(adminPort, readFileSync(path.join(inst.dataDir, 'tls', 'cert.pem')));
    const token = await agent.setupToken();
    await waitFor(async () => (await api.request('GET', '/api/v1/health').catch(() => null))?.status === 200, 20_000, 'the agent to answer');
    const setup = await api.request('POST', '/api/v1/setup', { json: { token, username: 'root', password: TEST_PASSWORD } });
    assert.equal(setup.status, 201, setup.text);
  });
  after(async () => {
    await agent?.stop();
    await inst?.cleanup();
  });

  test('domains and users made through the agent are the daemon\'s: the CLI lists them, SMTP delivers to them', async () => {
    assert.equal((await api.request('POST', '/api/v1/domains', { json: { name: 'second.test' } })).status, 201);
    const add = await api.request('POST', '/api/v1/users', { json: { address: 'bob@second.test', password: TEST_PASSWORD, quota: '10M' } });
    assert.equal(add.status, 201, add.text);
    const cli = JSON.parse((await inst.cli(['user', 'ls', 'second.test', '--json'])).stdout.toString('utf8')) as { address: string; quota: number }[];
    assert.deepEqual(cli.map((u) => [u.address, u.quota]), [['bob@second.test', 10 * 1024 * 1024]]);

    const ws = api.websocket();
    const messages: WsMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as WsMessage));
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });

    const subject = uniqueToken('agent');
    const res = await rawDeliver(inst.port, { from: 'someone@elsewhere.example', to: ['bob@second.test'], message: buildMessage({ from: 'someone@elsewhere.example', to: 'bob@second.test', subject, body: 'hello bob' }) });
    assert.ok(res.ok, res.final?.text);
    const bob = (await api.request('GET', '/api/v1/users/bob@second.test')).json as MailUser;
    assert.equal(bob.usage.messages, 1);
    const stats = (await api.request('GET', '/api/v1/stats')).json as MailStats;
    assert.ok(stats.received >= 1, JSON.stringify(stats));
    // The daemon's log line of that delivery, live on the websocket and in /api/v1/logs.
    await waitFor(() => messages.find((m) => m.type === 'logs' && m.line.msg === 'message' && m.line.outcome === 'delivered'), 10_000, 'the delivery\'s log line on the websocket');
    const logs = (await api.request('GET', '/api/v1/logs?limit=500')).json as { msg: string; outcome?: string }[];
    assert.ok(logs.some((l) => l.msg === 'message' && l.outcome === 'delivered'));
    await waitFor(() => messages.find((m) => m.type === 'metrics'), 10_000, 'a metrics message');
    ws.close();
  });

  test('an alert is mailed to agent.alertEmail through the daemon, once', async () => {
    const alerts = await waitFor(async () => {
      const body = (await api.request('GET', '/api/v1/alerts')).json as { active: Alert[] };
      return body.active.find((a) => a.id === 'disk:/') ? body : null;
    }, 15_000, 'the disk alert');
    assert.equal(alerts.active.find((a) => a.id === 'disk:/')!.kind, 'disk');
    const mails = await waitFor(async () => {
      const list = await inst.mailLs('alice@e2e.test');
      const found = list.filter((m) => (m.subject ?? '').startsWith('[mx.e2e.test] ALERT: file system / '));
      return found.length > 0 ? found : null;
    }, 15_000, 'the alert mail in alice\'s INBOX');
    await new Promise((r) => setTimeout(r, 3000));
    const again = (await inst.mailLs('alice@e2e.test')).filter((m) => (m.subject ?? '').startsWith('[mx.e2e.test] ALERT: file system / '));
    assert.equal(again.length, mails.length, 'no second mail while the state is unchanged');
  });

  test('the daemon goes down: 503s and the service alert; it comes back: resolved, and both mails arrive', async () => {
    await inst.stop();
    const down = await api.request('GET', '/api/v1/domains');
    assert.equal(down.status, 503);
    assert.equal((down.json as { error: { code: string } }).error.code, 'mail_daemon_unavailable');
    await waitFor(async () => ((await api.request('GET', '/api/v1/alerts')).json as { active: Alert[] }).active.some((a) => a.id === 'service:mail'), 15_000, 'the service alert');
    await inst.start();
    await waitFor(async () => !((await api.request('GET', '/api/v1/alerts')).json as { active: Alert[] }).active.some((a) => a.id === 'service:mail'), 20_000, 'the service alert to resolve');
    const subjects = await waitFor(async () => {
      const s = (await inst.mailLs('alice@e2e.test')).map((m) => m.subject ?? '');
      return s.some((x) => x.includes('ALERT: the mail daemon')) && s.some((x) => x.includes('resolved: the mail daemon')) ? s : null;
    }, 20_000, 'the service alert mails');
    assert.equal(subjects.filter((x) => x.includes('ALERT: the mail daemon')).length, 1);
    assert.equal(((await api.request('GET', '/api/v1/domains')).json as { name: string }[]).map((d) => d.name).sort().join(','), 'e2e.test,second.test');
  });
});
