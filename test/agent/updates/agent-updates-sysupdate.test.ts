// updates.source "sysupdate" (the appliance): the agent's check asks the privileged helper what
// the update server offers (sysupdate.check) instead of reading bundles, and an install goes to
// the helper's sysupdate.update; in the maintenance window with a reboot.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseConfig } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { openAgentDatabase } from '../../../agent/admin/agent-database.js';
import { AgentUpdates } from '../../../agent/updates/agent-updates.js';
import { ensureAgentStateDir } from '../../../agent/agent-state-dir.js';
import { HelperError } from '../../../agent/helper/helper-command.js';
import { tempDir } from './bundle-fixture.js';
import { recordingHelper } from './recording-helper.js';

function setup(t: { after: (fn: () => void) => void }, answer: (command: string, args: unknown) => unknown) {
  const dir = tempDir(); t.after(dir.cleanup);
  const config = parseConfig({
    hostname: 'mx.example.test',
    agent: { stateDir: 'agent-state' },
    updates: { source: 'sysupdate', slotsDir: 'slots', bundleDir: path.join(dir.root, 'inbox'), keysDir: null, apt: { enabled: false } },
  }, dir.root);
  ensureAgentStateDir(config); // as the agent does at its start
  const db = openAgentDatabase(path.join(dir.root, 'agent.db'));
  t.after(() => db.close());
  const { helper, calls } = recordingHelper(answer);
  return { calls, updates: new AgentUpdates({ config, db, helper, logger: silentLogger, baseVersion: '0.1.0' }) };
}

test('check asks the helper for the release on the update server; no bundles are read', async (t) => {
  const { calls, updates } = setup(t, () => ({ available: '0.2.0', current: '0.1.0' }));
  const check = await updates.check();
  assert.deepEqual(check.bundles, []);
  assert.equal(check.apt, null);
  assert.deepEqual(check.sysupdate, { available: '0.2.0', current: '0.1.0', error: null });
  assert.deepEqual(calls, [['sysupdate.check', {}]]);
  assert.deepEqual((await updates.status()).lastCheck?.sysupdate, check.sysupdate, 'kept as the last check (in agent.stateDir)');
});

test('a failing sysupdate.check is reported in the check, not thrown', async (t) => {
  const { updates } = setup(t, () => { throw new HelperError('sysupdate_failed', 'systemd-sysupdate check-new failed: bad signature'); });
  const check = await updates.check();
  assert.deepEqual(check.sysupdate, { available: null, current: null, error: { code: 'sysupdate_failed', message: 'systemd-sysupdate check-new failed: bad signature' } });
});

test('applySystem hands the install to the helper', async (t) => {
  const { calls, updates } = setup(t, () => ({ installed: '0.2.0', rebootPending: true, rebooting: false }));
  assert.deepEqual(await updates.applySystem({ trigger: 'panel:admin', reboot: false }), { installed: '0.2.0', rebootPending: true, rebooting: false });
  assert.deepEqual(calls, [['sysupdate.update', { version: null, reboot: false }]]);
});
