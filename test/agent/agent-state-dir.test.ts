// agent.stateDir: the agent keeps agent.db, the audit log and the metrics token in its own
// directory (the appliance's /var/lib/mailroom-agent) and writes nothing of its own into the
// mail daemon's data directory; unset, they stay in DIR (development, `npm start`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../core/config.js';
import { agentStateDir } from '../../agent/agent-state-dir.js';
import { setupFirstAdmin, startAgentFixture } from '../ui/agent-fixture.js';

test('agentStateDir: DIR when unset, relative paths against DIR, absolute as given', () => {
  assert.equal(agentStateDir(parseConfig({ hostname: 'mx.example.test' }, '/data')), '/data');
  assert.equal(agentStateDir(parseConfig({ hostname: 'mx.example.test', agent: { stateDir: '../agent' } }, '/data')), '/agent');
  assert.equal(agentStateDir(parseConfig({ hostname: 'mx.example.test', agent: { stateDir: '/var/lib/mailroom-agent' } }, '/data')), '/var/lib/mailroom-agent');
});

test('with agent.stateDir the agent writes agent.db, audit.log and the metrics token there, not into DIR', async (t) => {
  const f = await startAgentFixture({ editConfig: (cfg) => { (cfg.agent as Record<string, unknown>).stateDir = '../agent-state'; } });
  t.after(() => f.cleanup());
  const state = path.join(f.root, 'agent-state');
  assert.equal(statSync(state).mode & 0o777, 0o750, 'created 0750');
  const client = f.client();
  await setupFirstAdmin(f, client);
  assert.ok(existsSync(path.join(state, 'agent.db')), 'agent.db in the state directory');
  assert.ok(readFileSync(path.join(state, 'secrets', 'metrics.token'), 'utf8').trim().length >= 16, 'metrics token in the state directory');
  assert.match(readFileSync(path.join(state, 'audit.log'), 'utf8'), /"actor"/, 'the first admin\'s creation is audited there');
  for (const name of ['agent.db', 'audit.log', 'secrets/metrics.token']) {
    assert.equal(existsSync(path.join(f.dataDir, name)), false, `no ${name} in the mail daemon's DIR`);
  }
});
