// Installing bundles into directory slots: a signed bundle lands in the inactive slot, `current`
// switches to it, the services restart and answer, and history says so; a tampered bundle or a
// downgrade changes nothing; a failing health check switches back and records the rollback.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { silentLogger } from '../../../core/log.js';
import { openAgentDatabase } from '../../../agent/admin/agent-database.js';
import { applyBundle, type BundleApplyDeps } from '../../../agent/updates/bundle-apply.js';
import { checkHealth } from '../../../agent/updates/health-check.js';
import { DirectorySlots } from '../../../agent/updates/slots.js';
import { UpdateError } from '../../../agent/updates/update-errors.js';
import { UpdateHistory } from '../../../agent/updates/update-history.js';
import { withUpdateLock } from '../../../agent/updates/update-lock.js';
import { makeBundle, makeKeyPair, tamper, tempDir, type KeyPair } from './bundle-fixture.js';

const code = (c: string) => (err: unknown) => err instanceof UpdateError && err.code === c;

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A fake "mail daemon": answers 220 on a port while started. */
class FakeService {
  server: net.Server | null = null;
  restarts = 0;
  constructor(readonly port: number, readonly slots: DirectorySlots, readonly healthyVersions: Set<string | null>) {}
  /** The restart hook: stops, then starts only when the active slot's version is a healthy one. */
  async restart(): Promise<void> {
    this.restarts++;
    if (this.server) { const s = this.server; this.server = null; await new Promise<void>((r) => s.close(() => r())); }
    const state = await this.slots.describe();
    const version = state.slots.find((s) => s.active)?.version ?? null;
    if (!this.healthyVersions.has(version)) return;
    const server = net.createServer((sock) => { sock.end(`220 fake ESMTP ${version}\r\n`); });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.server = server;
  }
  async close(): Promise<void> {
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

async function setup(t: { after: (fn: () => unknown) => void }, healthy: (string | null)[]) {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const db = openAgentDatabase(path.join(dir.root, 'agent.db'));
  t.after(() => db.close());
  const history = new UpdateHistory(db);
  const slotsDir = path.join(dir.root, 'slots');
  const slots = new DirectorySlots(slotsDir);
  const service = new FakeService(await freePort(), slots, new Set(healthy));
  t.after(() => service.close());
  const deps: BundleApplyDeps = {
    slots, keys: [key.trusted], history,
    restart: () => service.restart(),
    // Short: a service that never comes up fails the check quickly.
    health: () => checkHealth([{ kind: 'smtp', host: '127.0.0.1', port: service.port }], 3000, { retryMs: 100 }),
    lockFile: path.join(dir.root, 'update.lock'),
    baseVersion: '0.1.0',
    logger: silentLogger,
  };
  return { dir, key, history, slots, slotsDir, service, deps };
}

const current = (slotsDir: string) => (existsSync(path.join(slotsDir, 'current')) ? readlinkSync(path.join(slotsDir, 'current')) : null);
const leftovers = (slotsDir: string) => readdirSync(slotsDir).filter((n) => n.startsWith('.') && n !== '.update.lock');

test('a signed bundle is installed into a slot, current switches, history records it', async (t) => {
  const s = await setup(t, ['1.0.0', '1.1.0']);
  const b1 = await makeBundle(s.dir.root, '1.0.0', s.key.signing);
  const r1 = await applyBundle(s.deps, b1, { trigger: 'test' });
  assert.equal(r1.outcome, 'installed');
  assert.equal(r1.fromVersion, '0.1.0');
  assert.equal(current(s.slotsDir), 'a');
  assert.match(readFileSync(path.join(s.slotsDir, 'current', 'bin', 'mailroom.js'), 'utf8'), /1\.0\.0/);

  const b2 = await makeBundle(s.dir.root, '1.1.0', s.key.signing);
  const r2 = await applyBundle(s.deps, b2, { trigger: 'test' });
  assert.deepEqual([r2.outcome, r2.fromVersion, r2.toVersion, r2.slot], ['installed', '1.0.0', '1.1.0', 'b']);
  assert.equal(current(s.slotsDir), 'b');
  const state = await s.slots.describe();
  assert.deepEqual(state.slots.map((x) => [x.name, x.version, x.active]), [['a', '1.0.0', false], ['b', '1.1.0', true]]);
  const h = s.history.recent();
  assert.deepEqual(h.map((x) => [x.kind, x.fromVersion, x.toVersion, x.outcome]), [['bundle', '1.0.0', '1.1.0', 'installed'], ['bundle', '0.1.0', '1.0.0', 'installed']]);
  assert.ok(h[0]!.finishedAt);
  assert.deepEqual(leftovers(s.slotsDir), []);
  assert.equal(s.service.restarts, 2);
});

async function snapshot(slotsDir: string) {
  const slots = new DirectorySlots(slotsDir);
  return { current: current(slotsDir), state: JSON.stringify(await slots.describe()), entries: readdirSync(slotsDir).sort().join(',') };
}

test('tampered bundles, an unknown key and a downgrade are refused and change nothing', async (t) => {
  const s = await setup(t, ['1.0.0', '2.0.0']);
  await applyBundle(s.deps, await makeBundle(s.dir.root, '1.0.0', s.key.signing), { trigger: 'test' });
  const before = await snapshot(s.slotsDir);
  const restarts = s.service.restarts;
  const good = await makeBundle(s.dir.root, '2.0.0', s.key.signing);
  const other: KeyPair = makeKeyPair();
  const cases: [string, string, string][] = [
    ['one byte of a file', tamper(good, "mailroom 2.0.0'", "mailroom 2.0.1'", path.join(s.dir.root, 'byte.mrb')), 'bundle_file_corrupt'],
    ['the manifest', tamper(good, '"version": "2.0.0"', '"version": "3.0.0"', path.join(s.dir.root, 'manifest.mrb')), 'bundle_signature_invalid'],
    ['another key', await makeBundle(s.dir.root, '2.0.0', other.signing, 'other.mrb'), 'bundle_key_unknown'],
    ['an older version', await makeBundle(s.dir.root, '0.9.0', s.key.signing), 'bundle_downgrade'],
    ['the same version', await makeBundle(s.dir.root, '1.0.0', s.key.signing, 'same.mrb'), 'bundle_downgrade'],
  ];
  for (const [what, file, expected] of cases) {
    await assert.rejects(applyBundle(s.deps, file, { trigger: 'test' }), code(expected), what);
    assert.deepEqual(await snapshot(s.slotsDir), before, `${what}: the slots did not change`);
  }
  assert.equal(s.service.restarts, restarts, 'nothing was restarted');
  const refused = s.history.recent().filter((h) => h.outcome === 'refused');
  assert.equal(refused.length, cases.length);
  assert.match(refused[0]!.reason!, /1\.0\.0 is already installed/);
  // --force installs the same version again.
  const forced = await applyBundle(s.deps, cases[4]![1], { trigger: 'test', force: true });
  assert.equal(forced.outcome, 'installed');
});

test('a failing health check switches back to the previous slot, restarts it and records the rollback', async (t) => {
  // 1.0.0 comes up; 2.0.0 "starts nothing", so its health check times out.
  const s = await setup(t, ['1.0.0']);
  await applyBundle(s.deps, await makeBundle(s.dir.root, '1.0.0', s.key.signing), { trigger: 'test' });
  assert.equal(current(s.slotsDir), 'a');
  const r = await applyBundle(s.deps, await makeBundle(s.dir.root, '2.0.0', s.key.signing), { trigger: 'test' });
  assert.equal(r.outcome, 'rolled_back');
  assert.match(r.reason!, /health check failed: smtp 127\.0\.0\.1:\d+ did not answer/);
  assert.equal(current(s.slotsDir), 'a', 'current points at the previous slot again');
  assert.equal(s.service.server !== null, true, 'the previous version runs again');
  const h = s.history.recent()[0]!;
  assert.deepEqual([h.outcome, h.fromVersion, h.toVersion], ['rolled_back', '1.0.0', '2.0.0']);
  assert.equal(s.service.restarts, 3);
});

test('a failing restart command also rolls back; a first install with nothing before goes back to no slot', async (t) => {
  const s = await setup(t, []);
  s.deps.restart = async () => { s.service.restarts++; throw new Error('systemctl exited 1: unit not found'); };
  const r = await applyBundle(s.deps, await makeBundle(s.dir.root, '1.0.0', s.key.signing), { trigger: 'test' });
  assert.equal(r.outcome, 'rolled_back');
  assert.match(r.reason!, /restart failed: systemctl exited 1/);
  assert.equal(current(s.slotsDir), null);
});

test('one apply at a time: the lock refuses a second, and a stale lock is taken over', async (t) => {
  const s = await setup(t, ['1.0.0']);
  const file = await makeBundle(s.dir.root, '1.0.0', s.key.signing);
  let release!: () => void;
  let held!: () => void;
  const isHeld = new Promise<void>((r) => { held = r; });
  const holder = withUpdateLock(s.deps.lockFile, () => { held(); return new Promise<void>((r) => { release = r; }); });
  await isHeld;
  await assert.rejects(applyBundle(s.deps, file, { trigger: 'test' }), code('update_busy'));
  release();
  await holder;
  // A lock left by a process that is gone.
  writeFileSync(s.deps.lockFile, '999999999\n');
  assert.equal((await applyBundle(s.deps, file, { trigger: 'test' })).outcome, 'installed');
  assert.equal(existsSync(s.deps.lockFile), false);
});
