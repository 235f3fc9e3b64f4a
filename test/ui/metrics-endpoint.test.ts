// GET /metrics: the Prometheus text behind a bearer token (generated into the data directory
// when the config names none).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startAgentFixture, type AgentFixture } from './agent-fixture.js';

describe('/metrics', () => {
  let f: AgentFixture;
  before(async () => { f = await startAgentFixture(); });
  after(async () => { await f.cleanup(); });

  test('without or with a wrong token: 401 with a Bearer challenge; with the token: the exposition', async () => {
    const file = path.join(f.dataDir, 'secrets', 'metrics.token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    const c = f.client();
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: `Basic ${token}` }];
    for (const headers of attempts) {
      const res = await c.request('GET', '/metrics', { headers });
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer /);
    }
    await new Promise((r) => setTimeout(r, 1200));
    const res = await c.request('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(res.text, /^# TYPE mailroom_cpu_usage_ratio gauge$/m);
    assert.match(res.text, /^mailroom_memory_bytes\{kind="total"\} \d+$/m);
    assert.match(res.text, /^mailroom_filesystem_size_bytes\{mount="\/",/m);
    assert.match(res.text, /^mailroom_agent_resident_memory_bytes \d+$/m);
    assert.match(res.text, /^mailroom_queue_messages 0$/m);
    // A session cookie is not a metrics token.
    assert.equal((await f.client().request('GET', '/metrics', { headers: { cookie: '__Host-mailroom-session=x' } })).status, 401);
  });

  test('a configured token replaces the generated one', async () => {
    const g = await startAgentFixture({ editConfig: (cfg) => { (cfg.agent as Record<string, unknown>).metricsToken = 'configured-token-0123456789'; } });
    try {
      const c = g.client();
      assert.equal((await c.request('GET', '/metrics', { headers: { authorization: 'Bearer configured-token-0123456789' } })).status, 200);
      const generated = readFileSync(path.join(f.dataDir, 'secrets', 'metrics.token'), 'utf8').trim();
      assert.equal((await c.request('GET', '/metrics', { headers: { authorization: `Bearer ${generated}` } })).status, 401);
    } finally {
      await g.cleanup();
    }
  });
});
