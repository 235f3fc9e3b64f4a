// The helper's firewall commands against config values and files the mail daemon's user could
// have planted: nft syntax in a network or a blocked address is refused before nft sees it;
// the pending-revert file (which root loads into nft at its next start) is written only into a
// directory of root's own, never through a planted symlink, and read back only when root wrote
// it. nft is a recording fake here (the real one is exercised in test/e2e/firewall-netns).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { catalogueByName } from '../../../agent/helper/catalogue.js';
import { firewallApplyCommand } from '../../../agent/helper/commands/firewall-apply.js';
import { firewallCheckCommand } from '../../../agent/helper/commands/firewall-check.js';
import type { HelperContext, RunArgv, RunOptions } from '../../../agent/helper/helper-command.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import type { HelperResponse } from '../../../agent/helper/helper-protocol.js';
import { FIREWALL_PENDING_FILE, firewallService } from '../../../agent/firewall/firewall-in-helper.js';
import { readRootOnlyFile, removeRootOnlyFile, writeRootOnlyFile } from '../../../agent/firewall/root-only-state-file.js';

const asRoot = process.getuid?.() === 0;

interface Fixture {
  dir: string;
  /** Scripts nft was asked to check (-c) or load (-f). */
  checked: string[];
  loaded: string[];
  ctx: HelperContext;
  call(command: string, args?: unknown): Promise<HelperResponse>;
}

function fixture(t: { after: (fn: () => void) => void }, options: { socketDir?: string; firewall?: Partial<Config['firewall']> } = {}): Fixture {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-fw-confine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const checked: string[] = []; const loaded: string[] = [];
  const run: RunArgv = async (argv, o: RunOptions = {}) => {
    const input = String(o.input ?? '');
    if (argv.includes('-c')) { checked.push(input); return { exitCode: 0, stdout: '', stderr: '', truncated: false }; }
    if (argv.includes('-f')) { loaded.push(input); return { exitCode: 0, stdout: '', stderr: '', truncated: false }; }
    return { exitCode: 1, stdout: '', stderr: 'No such file or directory', truncated: false }; // no table yet
  };
  const shared = new Map<string, unknown>();
  const socketDir = options.socketDir ?? path.join(dir, 'run');
  if (!options.socketDir) mkdirSync(socketDir, { mode: 0o750 });
  const ctx: HelperContext = {
    run, logger: silentLogger, env: {}, dataDir: dir,
    config: () => ({
      dataDir: dir,
      helper: { socket: path.join(socketDir, 'helper.sock'), group: null },
      listen: { smtp: '0.0.0.0:25', submission: null, submissions: null, imap: null, imaps: null, pop3: null, pop3s: null, managesieve: null, admin: '0.0.0.0:443', http: '0.0.0.0:80' },
      firewall: { enabled: false, adminNetworks: ['192.168.0.0/16'], sshNetworks: ['192.168.0.0/16'], sshPort: 22, httpOpen: true, ratePerMinute: 30, rateBurst: 20, blockDuration: 3600, ...options.firewall },
    }) as unknown as Config,
    shared<T>(key: string, create: () => T): T { if (!shared.has(key)) shared.set(key, create()); return shared.get(key) as T; },
  };
  t.after(() => { const fw = shared.get('firewall') as { dispose(): Promise<void> } | undefined; void fw?.dispose(); });
  const dispatcher = new HelperDispatcher(catalogueByName([firewallApplyCommand, firewallCheckCommand]), () => ctx, silentLogger);
  let id = 0;
  return { dir, checked, loaded, ctx, call: (command, args = {}) => dispatcher.dispatch({ id: ++id, command, args }) };
}

function refusal(r: HelperResponse): { code: string; message: string } {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r)}`);
  return (r as { error: { code: string; message: string } }).error;
}

test('nft syntax in a configured network never reaches nft', async (t) => {
  for (const net of ['10.0.0.0/8 } ; flush ruleset ; #', '10.0.0.0/8\nflush ruleset', '0.0.0.0/0 comment "x"']) {
    const f = fixture(t, { firewall: { adminNetworks: [net] } });
    for (const command of ['firewall.check', 'firewall.apply']) {
      const e = refusal(await f.call(command));
      assert.equal(e.code, 'bad_network', `${command} ${JSON.stringify(net)}`);
    }
    assert.deepEqual(f.checked, []);
    assert.deepEqual(f.loaded, []);
  }
});

test('apply with confirm refuses a pending-file directory that is not root\'s alone, and applies nothing', { skip: !asRoot && 'needs root to chown' }, async (t) => {
  const theirs = mkdtempSync(path.join(os.tmpdir(), 'mailroom-fw-theirs-'));
  t.after(() => rmSync(theirs, { recursive: true, force: true }));
  chownSync(theirs, 65534, 65534); // DIR/run made by the mail daemon's user
  const f = fixture(t, { socketDir: theirs });
  const e = refusal(await f.call('firewall.apply', { confirmSeconds: 60 }));
  assert.equal(e.code, 'firewall_state_unsafe');
  assert.deepEqual(f.loaded, []);
  assert.deepEqual(readdirSync(theirs), []);
});

test('a symlink planted at the pending file is replaced, never written through', async (t) => {
  const f = fixture(t);
  const victim = path.join(f.dir, 'victim');
  writeFileSync(victim, 'untouched\n');
  const pending = path.join(f.dir, 'run', FIREWALL_PENDING_FILE);
  symlinkSync(victim, pending);
  const r = await f.call('firewall.apply', { confirmSeconds: 60 });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(f.loaded.length, 1);
  assert.equal(readFileSync(victim, 'utf8'), 'untouched\n');
  assert.ok(lstatSync(pending).isFile());
  assert.equal(readFileSync(pending, 'utf8'), '# none\n');
  assert.deepEqual(readdirSync(path.join(f.dir, 'run')), [FIREWALL_PENDING_FILE]);
});

test('a state directory reached through a symlink is refused', async (t) => {
  const f = fixture(t);
  const link = path.join(f.dir, 'link-run');
  symlinkSync(path.join(f.dir, 'run'), link);
  assert.throws(() => writeRootOnlyFile(path.join(link, FIREWALL_PENDING_FILE), 'x'), { code: 'firewall_state_unsafe' });
  assert.throws(() => readRootOnlyFile(path.join(link, FIREWALL_PENDING_FILE)), { code: 'firewall_state_unsafe' });
  assert.deepEqual(readdirSync(path.join(f.dir, 'run')), []);
});

test('at start, a pending file the helper did not write (a symlink, another user\'s, a FIFO) is not loaded', async (t) => {
  const f = fixture(t);
  const pending = path.join(f.dir, 'run', FIREWALL_PENDING_FILE);
  const planted = path.join(f.dir, 'planted.nft');
  writeFileSync(planted, 'flush ruleset\n', { mode: 0o600 });
  symlinkSync(planted, pending);
  assert.equal(await firewallService(f.ctx).recoverAtStart(), false);
  rmSync(pending);
  execFileSync('mkfifo', ['-m', '600', pending]);
  assert.equal(await firewallService(f.ctx).recoverAtStart(), false);
  rmSync(pending);
  if (asRoot) {
    writeFileSync(pending, 'flush ruleset\n', { mode: 0o600 });
    chownSync(pending, 65534, 65534);
    assert.equal(await firewallService(f.ctx).recoverAtStart(), false);
  }
  assert.deepEqual(f.loaded, []);
});

test('the helper\'s own pending file is read back and removal leaves a planted link\'s target alone', async (t) => {
  const f = fixture(t);
  const pending = path.join(f.dir, 'run', FIREWALL_PENDING_FILE);
  writeRootOnlyFile(pending, 'table inet mailroom {}\n');
  assert.equal(readRootOnlyFile(pending), 'table inet mailroom {}\n');
  assert.equal(await firewallService(f.ctx).recoverAtStart(), true);
  assert.equal(f.loaded.length, 1);
  assert.match(f.loaded[0]!, /table inet mailroom \{\}/);
  assert.equal(existsSync(pending), false);
  const victim = path.join(f.dir, 'victim');
  writeFileSync(victim, 'keep\n');
  symlinkSync(victim, pending);
  removeRootOnlyFile(pending);
  assert.equal(existsSync(pending), false);
  assert.equal(readFileSync(victim, 'utf8'), 'keep\n');
});

test('no state directory yet (a first start): nothing pending, nothing logged as refused', async (t) => {
  const f = fixture(t);
  const missing = path.join(f.dir, 'not-made', FIREWALL_PENDING_FILE);
  assert.equal(readRootOnlyFile(missing), null);
  removeRootOnlyFile(missing);
  assert.throws(() => writeRootOnlyFile(missing, 'x'), { code: 'firewall_state_unsafe' });
});
