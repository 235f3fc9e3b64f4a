import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksFor, runChecks } from '../../../../mail/session/smtp/run-checks.js';
import { ACCEPT, type Check, type CheckContext, type CheckResult } from '../../../../mail/pipeline/contracts.js';

const DEFER: CheckResult = { action: 'defer', code: 451, enhanced: '4.7.1', message: 'later', reason: 'test' };
const REJECT: CheckResult = { action: 'reject', code: 554, enhanced: '5.7.1', message: 'no', reason: 'test' };

const ctx: CheckContext = { connectionId: 'c1', remoteAddress: '192.0.2.1', remoteHostname: null, helo: null, tls: false, authenticatedUser: null, mailFrom: null, recipients: [] };

function recorder() {
  const calls: string[] = [];
  const checks: Check[] = [
    { name: 'rcpt-only', rcptTo: async (_c, r) => { calls.push(`rcpt-only ${r}`); return ACCEPT; } },
    { name: 'both', mailFrom: async () => { calls.push('both mail'); return ACCEPT; }, rcptTo: async () => { calls.push('both rcpt'); return DEFER; } },
    { name: 'last', rcptTo: async () => { calls.push('last rcpt'); return ACCEPT; } },
  ];
  return { calls, checks };
}

test('only the checks that have the stage run, in order, and the first deferral wins', async () => {
  const { calls, checks } = recorder();
  assert.deepEqual(checksFor(checks, 'connect'), []);
  assert.deepEqual(checksFor(checks, 'mailFrom').map((c) => c.name), ['both']);
  assert.deepEqual(checksFor(checks, 'rcptTo').map((c) => c.name), ['rcpt-only', 'both', 'last']);

  assert.deepEqual(await runChecks(checks, 'connect', ctx), { result: ACCEPT, check: null });
  assert.deepEqual(await runChecks(checks, 'mailFrom', ctx), { result: ACCEPT, check: null });
  const rcpt = await runChecks(checks, 'rcptTo', ctx, 'a@example.org');
  assert.deepEqual(rcpt, { result: DEFER, check: 'both' });
  assert.deepEqual(calls, ['both mail', 'rcpt-only a@example.org', 'both rcpt'], 'the check after the deferral is not asked');
});

test('a check list that grows after its first use is looked at again; no checks accept', async () => {
  const { checks } = recorder();
  assert.equal(checksFor(checks, 'connect').length, 0);
  checks.push({ name: 'late', connect: async () => REJECT });
  assert.deepEqual(checksFor(checks, 'connect').map((c) => c.name), ['late']);
  assert.deepEqual(await runChecks(checks, 'connect', ctx), { result: REJECT, check: 'late' });
  assert.deepEqual(await runChecks([], 'rcptTo', ctx, 'a@example.org'), { result: ACCEPT, check: null });
});
