// What root takes from where. DIR/config.json belongs to the mail daemon's user, so:
// - the helper's socket (and the firewall's pending file beside it) is systemd's
//   RUNTIME_DIRECTORY/helper.sock whatever config helper.socket says, and the helper never
//   changes the mode or owner of a directory it did not create (a config once made it chmod
//   the directory of "/etc/x.sock");
// - updates.bundle-apply trusts signing keys and runs the restart command of the helper's own
//   settings (a root-owned /etc/mailroom/helper.json, or fixed defaults), never config.json's:
//   a bundle signed by a key that only config.json trusts is refused and config's restart
//   command never runs; the settings file itself is refused unless root's and not writable by
//   group or others.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseConfig, type Config } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { catalogueByName } from '../../../agent/helper/catalogue.js';
import { updatesBundleApplyCommand } from '../../../agent/helper/commands/updates-bundle-apply.js';
import { defineHelperCommand, type HelperContext, type RunArgv } from '../../../agent/helper/helper-command.js';
import { HelperClient } from '../../../agent/helper/helper-client.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import { DEFAULT_HELPER_SETTINGS, loadHelperSettings, parseHelperSettings, type HelperSettings } from '../../../agent/helper/helper-settings.js';
import { helperListenPath } from '../../../agent/helper/helper-socket-path.js';
import { startHelper } from '../../../agent/helper/main.js';
import { createArgvRunner } from '../../../agent/helper/run-argv.js';
import { makeBundle, makeKeyPair } from '../updates/bundle-fixture.js';

const asRoot = process.getuid?.() === 0;

function temp(t: { after: (fn: () => void) => void }, prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A command that reports the config the helper's commands see. */
const whereCommand = defineHelperCommand({
  name: 'test.where',
  schema: z.strictObject({}),
  async run(_args, ctx) { return { socket: ctx.config().helper.socket }; },
});

test('under systemd the socket is RUNTIME_DIRECTORY/helper.sock, whatever config helper.socket says', () => {
  const config = { dataDir: '/var/lib/mailroom', helper: { socket: '/etc/x.sock', group: null } } as unknown as Config;
  assert.deepEqual(helperListenPath(config, '/run/mailroom-helper'), { socketPath: '/run/mailroom-helper/helper.sock', fromUnit: true });
  assert.deepEqual(helperListenPath(config, '/run/mailroom-helper:/run/other'), { socketPath: '/run/mailroom-helper/helper.sock', fromUnit: true });
  assert.deepEqual(helperListenPath(config, null), { socketPath: '/etc/x.sock', fromUnit: false });
  assert.deepEqual(helperListenPath(config, ''), { socketPath: '/etc/x.sock', fromUnit: false });
});

test('a helper with a runtime directory listens there and leaves the directory config names alone', async (t) => {
  const dir = temp(t, 'mailroom-helper-dir-');
  const runtime = temp(t, 'mailroom-helper-runtime-');
  chmodSync(runtime, 0o750);
  const victim = temp(t, 'mailroom-helper-victim-');
  chmodSync(victim, 0o755);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hostname: 'mx.example.test', helper: { socket: path.join(victim, 'x.sock'), group: null } }));
  const helper = await startHelper(dir, { logger: silentLogger, commands: [whereCommand], runtimeDirectory: runtime, settings: DEFAULT_HELPER_SETTINGS });
  const client = new HelperClient({ socketPath: helper.socketPath, timeoutMs: 20_000 });
  t.after(async () => { client.close(); await helper.stop(); });
  assert.equal(helper.socketPath, path.join(runtime, 'helper.sock'));
  assert.ok(statSync(helper.socketPath).isSocket());
  // Commands (the firewall's pending file) see the socket the helper really has.
  assert.deepEqual(await client.call('test.where'), { socket: path.join(runtime, 'helper.sock') });
  assert.deepEqual(readdirSync(victim), []);
  assert.equal(statSync(victim).mode & 0o7777, 0o755);
  assert.equal(statSync(runtime).mode & 0o7777, 0o750);
});

test('without one (development) config helper.socket is used, but an existing directory keeps its mode; a new one is made 0750', async (t) => {
  const dir = temp(t, 'mailroom-helper-dir-');
  const existing = temp(t, 'mailroom-helper-existing-');
  chmodSync(existing, 0o755);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hostname: 'mx.example.test', helper: { socket: path.join(existing, 'helper.sock'), group: null } }));
  let helper = await startHelper(dir, { logger: silentLogger, commands: [whereCommand], runtimeDirectory: null, settings: DEFAULT_HELPER_SETTINGS });
  assert.equal(helper.socketPath, path.join(existing, 'helper.sock'));
  assert.equal(statSync(existing).mode & 0o7777, 0o755, 'the helper did not create it, so it did not chmod it');
  await helper.stop();

  const fresh = path.join(existing, 'made', 'by-helper');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hostname: 'mx.example.test', helper: { socket: path.join(fresh, 'helper.sock'), group: null } }));
  helper = await startHelper(dir, { logger: silentLogger, commands: [whereCommand], runtimeDirectory: null, settings: DEFAULT_HELPER_SETTINGS });
  t.after(() => helper.stop());
  assert.equal(statSync(fresh).mode & 0o7777, 0o750);
  assert.equal(statSync(path.dirname(fresh)).mode & 0o7777, 0o750);
  assert.equal(statSync(existing).mode & 0o7777, 0o755);
});

test('the settings file: missing gives the defaults; a symlink, a group-writable or another user\'s file is refused; bad content too', (t) => {
  const d = temp(t, 'mailroom-helper-settings-');
  assert.deepEqual(loadHelperSettings(path.join(d, 'missing.json')), DEFAULT_HELPER_SETTINGS);
  assert.deepEqual(DEFAULT_HELPER_SETTINGS.updates.restartCommand, ['systemctl', 'restart', 'mailroom-mail.service', 'mailroom-agent.service']);
  const good = path.join(d, 'helper.json');
  writeFileSync(good, JSON.stringify({ updates: { restartCommand: ['true'], keysDir: null } }), { mode: 0o644 });
  const s = loadHelperSettings(good);
  assert.deepEqual(s.updates.restartCommand, ['true']);
  assert.equal(s.updates.keysDir, null);
  assert.equal(s.updates.slotsDir, DEFAULT_HELPER_SETTINGS.updates.slotsDir);

  symlinkSync(good, path.join(d, 'link.json'));
  assert.throws(() => loadHelperSettings(path.join(d, 'link.json')), { code: 'helper_settings_refused' });
  const writable = path.join(d, 'writable.json');
  writeFileSync(writable, '{}');
  chmodSync(writable, 0o664);
  assert.throws(() => loadHelperSettings(writable), { code: 'helper_settings_refused', message: /writable by group or others/ });
  if (asRoot) {
    const theirs = path.join(d, 'theirs.json');
    writeFileSync(theirs, '{}', { mode: 0o644 });
    chownSync(theirs, 65534, 65534);
    assert.throws(() => loadHelperSettings(theirs), { code: 'helper_settings_refused', message: /uid 65534/ });
  }
  assert.throws(() => parseHelperSettings('{', 'x'), { code: 'helper_settings_invalid' });
  assert.throws(() => parseHelperSettings('{"updates":{"restartCommand":[]}}', 'x'), { code: 'helper_settings_invalid' });
  assert.throws(() => parseHelperSettings('{"updates":{"slotsDir":"relative"}}', 'x'), { code: 'helper_settings_invalid' });
  assert.throws(() => parseHelperSettings('{"backup":{}}', 'x'), { code: 'helper_settings_invalid' });
});

test('updates.bundle-apply trusts and runs only the helper\'s settings, never config.json\'s keys, restart command or directories', async (t) => {
  const root = temp(t, 'mailroom-helper-bundle-');
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir);
  const pwned = path.join(root, 'PWNED');
  const attacker = makeKeyPair();
  const release = makeKeyPair();
  // What the mail daemon's user wrote into config.json.
  const config = parseConfig({
    hostname: 'mx.example.test',
    updates: {
      trustedKeys: [attacker.publicPem], keysDir: path.join(dataDir, 'keys'),
      restartCommand: ['/bin/sh', '-c', `touch ${pwned}`],
      slotsDir: path.join(dataDir, 'slots'), bundleDir: path.join(dataDir, 'inbox'),
      healthCheck: { checks: [], timeoutSeconds: 5 }, apt: { enabled: false },
    },
  }, dataDir);
  // What root configured.
  const settings: HelperSettings = {
    updates: { trustedKeys: [release.publicPem], keysDir: null, restartCommand: ['true'], slotsDir: path.join(root, 'slots'), bundleDir: path.join(root, 'inbox') },
  };
  mkdirSync(path.join(root, 'inbox'));
  mkdirSync(path.join(dataDir, 'inbox'));
  await makeBundle(path.join(root, 'inbox'), '9.9.9', attacker.signing);
  await makeBundle(path.join(dataDir, 'inbox'), '9.9.8', attacker.signing);

  const started: string[][] = [];
  const real = createArgvRunner();
  const run: RunArgv = (argv, options) => { started.push([...argv]); return real(argv, options); };
  const context = (logger: typeof silentLogger): HelperContext => ({
    run, logger, env: {}, dataDir, settings, config: () => config, shared: (_k, create) => create(),
  });
  const dispatcher = new HelperDispatcher(catalogueByName([updatesBundleApplyCommand]), context, silentLogger);
  let id = 0;
  const apply = (args: Record<string, unknown>) => dispatcher.dispatch({ id: ++id, command: 'updates.bundle-apply', args });

  // The attacker's bundle, in root's inbox: its key is trusted only by config.json.
  let r = await apply({ file: 'mailroom-9.9.9.mrb' });
  assert.equal(r.ok, false, JSON.stringify(r));
  // Nothing newer that verifies in root's inbox (config's inbox is not looked at).
  r = await apply({});
  assert.equal(r.ok, false, JSON.stringify(r));
  assert.equal((r as { error: { code: string } }).error.code, 'update_no_bundle');
  assert.equal(existsSync(path.join(root, 'slots', 'current')), false);

  // A release bundle signed by root's key installs into root's slots, restarting with root's command.
  await makeBundle(path.join(root, 'inbox'), '2.0.0', release.signing);
  r = await apply({ file: 'mailroom-2.0.0.mrb' });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.ok(existsSync(path.join(root, 'slots', 'current')));
  assert.ok(started.some((argv) => argv[0] === 'true'), JSON.stringify(started));
  assert.ok(started.every((argv) => argv[0] !== '/bin/sh'), JSON.stringify(started));
  assert.equal(existsSync(pwned), false);
  assert.equal(existsSync(path.join(dataDir, 'slots')), false);
});
