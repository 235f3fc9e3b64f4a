// `mailroom updates`: the release side (keygen, pack) and the appliance side (check, apply,
// status) through the real command, with slots in a temporary directory, a "true" restart
// command, and the health check pointed at a port the test answers on (or at a closed one).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAppTree, tamper } from '../agent/updates/bundle-fixture.js';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (dir !== path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'mailroom.js')) && existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('no repository root');
}
// MAILROOM_E2E_BIN: another build of the same CLI (a helper's own output directory, say).
const BIN = process.env.MAILROOM_E2E_BIN || path.join(findRepoRoot(), 'bin', 'mailroom.js');

interface Result { code: number; stdout: string; stderr: string }
function cli(dataDir: string, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.MAILROOM_DATA;
    execFile(process.execPath, [BIN, '--data', dataDir, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (code === -1) { reject(err); return; }
      resolve({ code, stdout, stderr });
    });
  });
}
function oneLineError(r: Result, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^mailroom: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
}

async function greeter(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer((s) => s.end('220 test ESMTP\r\n'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

async function setup(t: { after: (fn: () => unknown) => void }) {
  const root = mkdtempSync(path.join(tmpdir(), 'mailroom-cli-updates-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const data = path.join(root, 'data');
  assert.equal((await cli(data, ['init', '--hostname', 'mx.example.test'])).code, 0);
  const keygen = await cli(data, ['updates', 'keygen', '--out', path.join(root, 'release')]);
  assert.equal(keygen.code, 0, keygen.stderr);
  assert.match(keygen.stdout, /^key [0-9a-f]{16}: /);
  const up = await greeter();
  t.after(() => up.close());
  const config = (smtpPort: number, timeoutSeconds: number) => {
    const file = path.join(data, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    cfg.listen.smtp = `127.0.0.1:${smtpPort}`;
    cfg.updates = {
      slotsDir: path.join(root, 'slots'), bundleDir: path.join(root, 'inbox'), keysDir: null,
      trustedKeys: [readFileSync(path.join(root, 'release.pub'), 'utf8')],
      restartCommand: ['true'],
      healthCheck: { checks: ['smtp'], timeoutSeconds },
      apt: { enabled: false },
    };
    writeFileSync(file, JSON.stringify(cfg, null, 2));
  };
  config(up.port, 30);
  const pack = async (version: string, out = path.join(root, `mailroom-${version}.mrb`)) => {
    const app = makeAppTree(path.join(root, `tree-${version}`), version);
    const r = await cli(data, ['updates', 'pack', app, '--version', version, '--key', path.join(root, 'release.key'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    return out;
  };
  return { root, data, pack, config, slots: path.join(root, 'slots') };
}

test('keygen, pack, check, apply and status through the command', async (t) => {
  const s = await setup(t);
  const bundle = await s.pack('1.0.0');
  const check = await cli(s.data, ['updates', 'check', '--bundle', bundle, '--json']);
  assert.equal(check.code, 0, check.stderr);
  const c = JSON.parse(check.stdout);
  assert.equal(c.bundles[0].version, '1.0.0');
  assert.equal(c.bundles[0].newer, true);
  assert.equal(c.apt, null);

  const apply = await cli(s.data, ['updates', 'apply', '--bundle', bundle]);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /^installed 1\.0\.0 \(was [^)]+\) in slot a\n$/);
  assert.equal(readlinkSync(path.join(s.slots, 'current')), 'a');

  // A bundle dropped into the inbox is found by check and apply without --bundle.
  mkdirSync(path.join(s.root, 'inbox'));
  await s.pack('1.1.0', path.join(s.root, 'inbox', 'mailroom-1.1.0.mrb'));
  const human = await cli(s.data, ['updates', 'check']);
  assert.match(human.stdout, /mailroom-1\.1\.0\.mrb: 1\.1\.0, \d+ files, signed by [0-9a-f]{16}, pending/);
  assert.equal((await cli(s.data, ['updates', 'apply'])).code, 0);
  const status = JSON.parse((await cli(s.data, ['updates', 'status', '--json'])).stdout);
  assert.deepEqual(status.running, { version: '1.1.0', slot: 'b' });
  assert.deepEqual(status.history.map((h: { fromVersion: string; toVersion: string; outcome: string }) => [h.toVersion, h.outcome]), [['1.1.0', 'installed'], ['1.0.0', 'installed']]);
  assert.match(status.history[0].trigger, /^cli:/);
  const text = await cli(s.data, ['updates', 'status']);
  assert.match(text.stdout, /^running 1\.1\.0 \(slot b\)\nslot a: 1\.0\.0\nslot b: 1\.1\.0 \(active\)\n/);
  // Nothing newer left.
  oneLineError(await cli(s.data, ['updates', 'apply']), 1, /no verified bundle newer than the running version/);
});

test('a tampered bundle is refused by check and apply with one line, and nothing changes', async (t) => {
  const s = await setup(t);
  await cli(s.data, ['updates', 'apply', '--bundle', await s.pack('1.0.0')]);
  const good = await s.pack('2.0.0');
  const bad = tamper(good, "mailroom 2.0.0'", "mailroom 2.0.9'");
  const before = readdirSync(s.slots).sort();
  oneLineError(await cli(s.data, ['updates', 'check', '--bundle', bad]), 1, /does not match its signed hash/);
  oneLineError(await cli(s.data, ['updates', 'apply', '--bundle', bad]), 1, /bin\/mailroom\.js does not match its signed hash/);
  oneLineError(await cli(s.data, ['updates', 'apply', '--bundle', tamper(good, '"version": "2.0.0"', '"version": "2.0.1"', path.join(s.root, 'm.mrb'))]), 1, /signature does not match/);
  oneLineError(await cli(s.data, ['updates', 'apply', '--bundle', await s.pack('0.5.0')]), 1, /older than the running 1\.0\.0; use --force/);
  oneLineError(await cli(s.data, ['updates', 'apply', '--bundle', path.join(s.root, 'absent.mrb')]), 1, /cannot open the bundle/);
  assert.deepEqual(readdirSync(s.slots).sort(), before);
  assert.equal(readlinkSync(path.join(s.slots, 'current')), 'a');
  const status = JSON.parse((await cli(s.data, ['updates', 'status', '--json'])).stdout);
  assert.equal(status.running.version, '1.0.0');
  assert.equal(status.history.filter((h: { outcome: string }) => h.outcome === 'refused').length, 4);
});

test('a failing health check rolls back: exit 1, one line, the previous slot active', async (t) => {
  const s = await setup(t);
  await cli(s.data, ['updates', 'apply', '--bundle', await s.pack('1.0.0')]);
  const closed = await greeter();
  await closed.close(); // a port nobody answers on
  s.config(closed.port, 2);
  oneLineError(await cli(s.data, ['updates', 'apply', '--bundle', await s.pack('2.0.0')]), 1, /update to 2\.0\.0 failed and was rolled back to 1\.0\.0: health check failed: smtp 127\.0\.0\.1:\d+ did not answer/);
  assert.equal(readlinkSync(path.join(s.slots, 'current')), 'a');
  const status = JSON.parse((await cli(s.data, ['updates', 'status', '--json'])).stdout);
  assert.equal(status.history[0].outcome, 'rolled_back');
});

test('usage errors exit 2 with one line', async (t) => {
  const s = await setup(t);
  oneLineError(await cli(s.data, ['updates']), 2, /missing sub-command/);
  oneLineError(await cli(s.data, ['updates', 'frobnicate']), 2, /unknown sub-command/);
  oneLineError(await cli(s.data, ['updates', 'apply', '--bogus', 'x']), 2, /unknown option --bogus/);
  oneLineError(await cli(s.data, ['updates', 'check', 'extra']), 2, /unexpected argument/);
  oneLineError(await cli(s.data, ['updates', 'pack', s.root, '--version', '1.0.0']), 2, /--version, --key and --out are required/);
  oneLineError(await cli(s.data, ['updates', 'keygen', '--out', path.join(s.root, 'release')]), 1, /cannot write/);
});
