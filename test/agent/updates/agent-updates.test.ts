// The agent's side of updates: status and check read the slots and bundles itself and ask the
// privileged helper for apt; installs are handed to the helper by bundle file name only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { openAgentDatabase } from '../../../agent/admin/agent-database.js';
import { AgentUpdates } from '../../../agent/updates/agent-updates.js';
import { parseAptSimulation } from '../../../agent/updates/apt-simulate.js';
import { APT_SIMULATE_MIXED } from './apt-samples.js';
import { makeBundle, makeKeyPair, tempDir } from './bundle-fixture.js';
import { recordingHelper } from './recording-helper.js';

test('status and check: bundles verified here, apt from the helper; apply goes to the helper', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const inbox = path.join(dir.root, 'inbox');
  mkdirSync(inbox);
  await makeBundle(inbox, '2.0.0', key.signing);
  const config = parseConfig({
    hostname: 'mx.example.test',
    updates: { slotsDir: 'slots', bundleDir: inbox, keysDir: null, trustedKeys: [key.publicPem], window: '0 4 * * 0' },
  }, dir.root);
  const db = openAgentDatabase(path.join(dir.root, 'agent.db'));
  t.after(() => db.close());
  const { helper, calls } = recordingHelper((command) => {
    if (command === 'updates.apt-check') return { pending: parseAptSimulation(APT_SIMULATE_MIXED), refreshed: true };
    return { outcome: 'installed', fromVersion: '0.1.0', toVersion: '2.0.0', slot: 'a', historyId: 1 };
  });
  const updates = new AgentUpdates({ config, db, helper, logger: silentLogger, baseVersion: '0.1.0' });
  const before = await updates.status();
  assert.equal(before.lastCheck, null);
  assert.deepEqual(before.running, { version: '0.1.0', slot: null });
  assert.deepEqual(before.window, { enabled: false, cron: '0 4 * * 0', next: null, open: false });

  const check = await updates.check();
  assert.equal(check.bundles.length, 1);
  assert.equal(check.bundles[0]!.version, '2.0.0');
  assert.equal(check.bundles[0]!.newer, true);
  assert.equal(check.apt!.pending.filter((p) => p.security).length, 5);
  assert.deepEqual((await updates.status()).lastCheck?.checkedAt, check.checkedAt, 'status shows the last check');

  await updates.applyBundle({ file: check.bundles[0]!.file, trigger: 'panel:admin' });
  assert.deepEqual(calls.at(-1), ['updates.bundle-apply', { file: 'mailroom-2.0.0.mrb', force: false, trigger: 'panel:admin' }]);
});
