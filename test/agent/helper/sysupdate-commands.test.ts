// The helper's sysupdate.check and sysupdate.update against a fake systemd-sysupdate (a shell
// script that answers the verbs the way systemd 257 does and records its argv): the commands
// start it by its fixed path with argv only, parse its answers, and refuse bad arguments before
// anything starts. The real binary is exercised by the image's boot test (update scenario).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../core/log.js';
import { catalogueByName, HELPER_COMMANDS } from '../../../agent/helper/catalogue.js';
import { makeSysupdateCheckCommand } from '../../../agent/helper/commands/sysupdate-check.js';
import { makeSysupdateUpdateCommand } from '../../../agent/helper/commands/sysupdate-update.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import type { HelperContext } from '../../../agent/helper/helper-command.js';
import { createArgvRunner } from '../../../agent/helper/run-argv.js';

// State in files beside the script: OFFER (the version the server offers), INSTALLED (what
// `update` wrote), FAIL (check-new fails as on a bad signature), argv.log (one line per call).
const FAKE = `#!/bin/sh
d="$(dirname "$0")"
echo "$*" >> "$d/argv.log"
for a in "$@"; do verb="$a"; done
case "$*" in *check-new*) verb=check-new ;; *" update"*) verb=update ;; esac
case "$verb" in
  check-new)
    if [ -e "$d/FAIL" ]; then echo "Failed to verify signature of SHA256SUMS" >&2; exit 1; fi
    if [ -s "$d/OFFER" ] && ! [ -e "$d/INSTALLED" ]; then printf '{"available":"%s"}\\n' "$(cat "$d/OFFER")"; else echo '{"available":null}'; fi ;;
  list) echo '{"current":"0.1.0","all":["0.1.0"]}' ;;
  update) for a in "$@"; do v="$a"; done; echo "$v" > "$d/INSTALLED" ;;
  pending) [ -e "$d/INSTALLED" ] && exit 0; exit 77 ;;
  reboot) touch "$d/REBOOTED" ;;
  *) echo "unknown verb" >&2; exit 2 ;;
esac
`;

function fakeSysupdate(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sysupdate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const binary = path.join(dir, 'systemd-sysupdate');
  writeFileSync(binary, FAKE);
  chmodSync(binary, 0o755);
  const calls = () => (existsSync(path.join(dir, 'argv.log')) ? readFileSync(path.join(dir, 'argv.log'), 'utf8').trim().split('\n') : []);
  return { dir, binary, calls, offer: (v: string) => writeFileSync(path.join(dir, 'OFFER'), v) };
}

function dispatcherFor(binary: string): HelperDispatcher {
  const commands = catalogueByName([makeSysupdateCheckCommand(binary), makeSysupdateUpdateCommand(binary)]);
  const context = (logger: typeof silentLogger): HelperContext => ({
    run: createArgvRunner(), logger, env: {}, dataDir: '/nonexistent',
    config: () => { throw new Error('not used'); },
    shared: (_key, create) => create(),
  });
  return new HelperDispatcher(commands, context, silentLogger);
}

test('the catalogue has sysupdate.check and sysupdate.update', () => {
  const names = HELPER_COMMANDS.map((c) => c.name);
  assert.ok(names.includes('sysupdate.check'));
  assert.ok(names.includes('sysupdate.update'));
});

test('sysupdate.check: the offered version and the current one; none when nothing is newer', async (t) => {
  const fake = fakeSysupdate(t);
  const helper = dispatcherFor(fake.binary);
  assert.deepEqual(await helper.dispatch({ id: 1, command: 'sysupdate.check', args: {} }), { id: 1, ok: true, result: { available: null, current: '0.1.0' } });
  fake.offer('0.2.0');
  assert.deepEqual(await helper.dispatch({ id: 2, command: 'sysupdate.check', args: {} }), { id: 2, ok: true, result: { available: '0.2.0', current: '0.1.0' } });
  assert.deepEqual(fake.calls().slice(0, 2), ['--no-pager --json=short check-new', '--no-pager --json=short --offline list']);
});

test('sysupdate.check: a failing check (signature, network) is sysupdate_failed with its reason', async (t) => {
  const fake = fakeSysupdate(t);
  writeFileSync(path.join(fake.dir, 'FAIL'), '');
  const res = await dispatcherFor(fake.binary).dispatch({ id: 1, command: 'sysupdate.check', args: {} });
  assert.equal(res.ok, false);
  assert.ok(!res.ok && res.error.code === 'sysupdate_failed' && /signature/.test(res.error.message), JSON.stringify(res));
});

test('sysupdate.update: installs the newest offered version by name; a reboot only when asked', async (t) => {
  const fake = fakeSysupdate(t);
  fake.offer('0.2.0');
  const res = await dispatcherFor(fake.binary).dispatch({ id: 1, command: 'sysupdate.update', args: {} });
  assert.deepEqual(res, { id: 1, ok: true, result: { installed: '0.2.0', rebootPending: true, rebooting: false } });
  assert.ok(fake.calls().includes('--no-pager update 0.2.0'), fake.calls().join('\n'));
  assert.equal(existsSync(path.join(fake.dir, 'REBOOTED')), false);
});

test('sysupdate.update with reboot: reboots after installing', async (t) => {
  const fake = fakeSysupdate(t);
  fake.offer('0.2.0');
  const res = await dispatcherFor(fake.binary).dispatch({ id: 1, command: 'sysupdate.update', args: { version: '0.2.0', reboot: true } });
  assert.deepEqual(res, { id: 1, ok: true, result: { installed: '0.2.0', rebootPending: true, rebooting: true } });
  assert.equal(fake.calls().at(-1), '--no-pager reboot');
});

test('sysupdate.update: nothing newer, nothing installed, no reboot', async (t) => {
  const fake = fakeSysupdate(t);
  const res = await dispatcherFor(fake.binary).dispatch({ id: 1, command: 'sysupdate.update', args: { reboot: true } });
  assert.deepEqual(res, { id: 1, ok: true, result: { installed: null, rebootPending: false, rebooting: false } });
  assert.ok(!fake.calls().some((c) => / update|reboot/.test(c)), fake.calls().join('\n'));
});

test('sysupdate.update refuses versions that are options or odd, and unknown keys, before anything runs', async (t) => {
  const fake = fakeSysupdate(t);
  const helper = dispatcherFor(fake.binary);
  for (const args of [{ version: '--root=/tmp' }, { version: '1.0; reboot' }, { version: '../x' }, { version: '' }, { reboot: 'yes' }, { path: '/dev/sda' }]) {
    const res = await helper.dispatch({ id: 1, command: 'sysupdate.update', args });
    assert.ok(!res.ok && res.error.code === 'bad_args', `${JSON.stringify(args)}: ${JSON.stringify(res)}`);
  }
  assert.deepEqual(fake.calls(), []);
});
