// The agent's side: brute-force bans from the mail daemon's event stream reach firewall.block,
// and helper failures become API errors with a fitting status. The helper is a recording stub
// here (one layer); the real helper is exercised in test/agent/helper and test/e2e.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../core/config.js';
import type { ControlEvent } from '../../../mail/control/control-protocol.js';
import { AgentFirewall, FirewallError } from '../../../agent/firewall/agent-firewall.js';
import { createBanForwarder } from '../../../agent/firewall/ban-forwarder.js';
import { policyFromConfig } from '../../../agent/firewall/firewall-policy.js';
import { HelperError } from '../../../agent/helper/helper-command.js';
import { waitFor } from '../../e2e/harness.js';

test('auth.ban events are forwarded to the blocklist; other events are not', async () => {
  const blocked: [string, number][] = [];
  let emit: ((e: ControlEvent) => void) | null = null;
  const control = { subscribe(onEvent: (e: ControlEvent) => void) { emit = onEvent; return { close() { emit = null; } }; } };
  const forwarder = createBanForwarder({ control, block: async (ip, s) => { blocked.push([ip, s]); }, logger: (await import('../../../core/log.js')).silentLogger });
  forwarder.start();
  await waitFor(() => emit !== null, 5000, 'subscription');
  emit!({ type: 'log', line: { time: new Date(0).toISOString(), level: 'info', msg: 'x' } });
  emit!({ type: 'auth.ban', ip: '192.0.2.44', seconds: 3600.4, reason: 'failed logins' });
  emit!({ type: 'auth.ban', ip: '2001:db8::9', seconds: 0, reason: 'failed logins' });
  await waitFor(() => blocked.length === 2, 5000, 'two blocks');
  assert.deepEqual(blocked, [['192.0.2.44', 3600], ['2001:db8::9', 1]]);
  forwarder.stop();
});

test('a ban the helper cannot take is dropped without breaking the stream', async () => {
  let emit: ((e: ControlEvent) => void) | null = null;
  const control = { subscribe(onEvent: (e: ControlEvent) => void) { emit = onEvent; return { close() {} }; } };
  let calls = 0;
  const forwarder = createBanForwarder({ control, block: async () => { calls++; throw new HelperError('helper_unavailable', 'down'); }, logger: (await import('../../../core/log.js')).silentLogger });
  forwarder.start();
  await waitFor(() => emit !== null, 5000, 'subscription');
  emit!({ type: 'auth.ban', ip: '192.0.2.1', seconds: 60, reason: 'r' });
  emit!({ type: 'auth.ban', ip: '192.0.2.2', seconds: 60, reason: 'r' });
  await waitFor(() => calls === 2, 5000, 'both tried');
  forwarder.stop();
});

test('helper failures get HTTP statuses; a helper that is down still shows the policy', async () => {
  const config = parseConfig({ hostname: 'mx.example.test' }, '/tmp/x');
  const failing = (code: string) => new AgentFirewall({ helper: { call: async () => { throw new HelperError(code, `${code} happened`); } }, policy: () => policyFromConfig(config), defaultBlockSeconds: 86400 });
  const down = await failing('helper_unavailable').status();
  assert.equal(down.helper, 'down');
  assert.deepEqual(down.policy.adminTcpPorts, [8443]);
  assert.match(down.error ?? '', /helper_unavailable happened/);
  for (const [code, status] of [['no_pending_change', 409], ['bad_args', 400], ['firewall_invalid', 502], ['helper_timeout', 503]] as const) {
    await assert.rejects(failing(code).confirm(), (err: FirewallError) => err.code === code && err.status === status);
  }
  const calls: unknown[] = [];
  const ok = new AgentFirewall({ helper: { call: async (c: string, a?: unknown) => { calls.push([c, a]); return { ip: '192.0.2.5', seconds: 86400 } as never; } }, policy: () => policyFromConfig(config), defaultBlockSeconds: 86400 });
  await ok.block('192.0.2.5');
  assert.deepEqual(calls, [['firewall.block', { ip: '192.0.2.5', seconds: 86400 }]]);
});
