// The firewall, proved between two network namespaces this test creates and deletes: a "server"
// namespace running the real `mailroom helper` (which applies the rendered ruleset there) and
// tiny TCP echo listeners, and a "client" namespace joined to it by a veth pair carrying two
// test-local /30 networks. From the client: policy ports connect, a port outside the policy
// does not, the admin port only from its allowed network; a blocked client is cut off (new
// connections and the open one) and unblock restores it; per-source rate limiting bites; an
// unconfirmed apply reverts by itself, a confirmed one stays. Needs root, ip and nft.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HelperClient } from '../../agent/helper/helper-client.js';
import type { FirewallState } from '../../agent/firewall/firewall-service.js';
import { MAILROOM_BIN, run, sleep, waitFor } from './harness.js';

function missing(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const tool of ['ip', 'nft']) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore' }).error) return `${tool} is not installed`;
  }
  return false;
}
const skip = missing();

// Test-local addresses, only inside the two namespaces; the third octet varies per run so two
// runs at once do not share names or networks.
const tag = `${process.pid % 50000}`;
const octet = 1 + (process.pid % 250);
const SERVER_NS = `mrfw-s-${tag}`;
const CLIENT_NS = `mrfw-c-${tag}`;
const SERVER_A = `10.201.${octet}.1`;
const CLIENT_A = `10.201.${octet}.2`; // the admin network
const SERVER_B = `10.202.${octet}.1`;
const CLIENT_B = `10.202.${octet}.2`; // not allowed to the admin port
const PORTS = { smtp: 2525, imaps: 2993, admin: 8443, closed: 2999 };

const dir = skip ? '' : mkdtempSync(path.join(os.tmpdir(), 'mailroom-fw-'));
const children: ChildProcess[] = [];
let helper: HelperClient;
let probe: Probe;

function writeConfig(over: { imaps?: string | null; ratePerMinute?: number; rateBurst?: number } = {}): void {
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    hostname: 'mx.example.test',
    listen: {
      smtp: `0.0.0.0:${PORTS.smtp}`, submission: null, submissions: null, imap: null,
      imaps: over.imaps === undefined ? `0.0.0.0:${PORTS.imaps}` : over.imaps,
      pop3: null, pop3s: null, admin: `0.0.0.0:${PORTS.admin}`, http: null,
    },
    firewall: { adminNetworks: [`${CLIENT_A}/32`, 'fd00:201::/64'], sshPort: null, ratePerMinute: over.ratePerMinute ?? 600, rateBurst: over.rateBurst ?? 200 },
  }));
}

async function sh(cmd: string, ...args: string[]): Promise<void> {
  const r = await run(cmd, args, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
}

function spawnIn(ns: string, args: string[]): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

// Echo listeners in the server namespace.
const LISTENER = `const net = require('node:net');
for (const p of process.argv.slice(1)) net.createServer((s) => { s.on('error', () => {}); s.pipe(s); }).listen(Number(p), '0.0.0.0');
setInterval(() => {}, 1 << 30);`;

// A prober in the client namespace: one JSON request per line, one JSON answer per line.
const PROBER = `const net = require('node:net'); const rl = require('node:readline').createInterface({ input: process.stdin });
const open = new Map();
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
rl.on('line', (line) => {
  const q = JSON.parse(line);
  if (q.op === 'connect' || q.op === 'open') {
    const s = net.connect({ host: q.host, port: q.port, localAddress: q.local });
    const t = setTimeout(() => { s.destroy(); say({ id: q.id, ok: false, why: 'timeout' }); }, q.timeoutMs);
    s.once('connect', () => { clearTimeout(t); if (q.op === 'open') open.set(q.id, s); else s.destroy(); say({ id: q.id, ok: true }); });
    s.once('error', (e) => { clearTimeout(t); say({ id: q.id, ok: false, why: e.code }); });
  } else if (q.op === 'echo') {
    const s = open.get(q.conn); let got = '';
    const done = (ok, why) => { clearTimeout(t); s.removeListener('data', onData); say({ id: q.id, ok, why }); };
    const onData = (d) => { got += d; if (got.includes(q.text)) done(true); };
    const t = setTimeout(() => done(false, 'no echo'), q.timeoutMs);
    s.on('data', onData); s.on('error', () => {}); s.write(q.text);
  }
});`;

class Probe {
  private seq = 0;
  private buf = '';
  private readonly waiting = new Map<number, (r: { ok: boolean; why?: string }) => void>();
  constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const r = JSON.parse(this.buf.slice(0, nl)) as { id: number; ok: boolean; why?: string };
        this.buf = this.buf.slice(nl + 1);
        this.waiting.get(r.id)?.(r);
        this.waiting.delete(r.id);
      }
    });
  }
  ask(q: Record<string, unknown>): Promise<{ ok: boolean; why?: string; id: number }> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(id, (r) => resolve({ ...r, id }));
      this.child.stdin!.write(JSON.stringify({ ...q, id }) + '\n');
    });
  }
  /** One connection attempt; a firewall drop shows as a timeout. */
  connect(port: number, from = CLIENT_A, timeoutMs = 2500) {
    const host = from === CLIENT_A ? SERVER_A : SERVER_B;
    return this.ask({ op: 'connect', host, port, local: from, timeoutMs });
  }
  async connects(port: number, from = CLIENT_A): Promise<boolean> {
    // An allowed connect succeeds at once on a veth; a few tries absorb a loaded machine.
    for (let i = 0; i < 3; i++) if ((await this.connect(port, from, 5000)).ok) return true;
    return false;
  }
  async refused(port: number, from = CLIENT_A): Promise<boolean> {
    return !(await this.connect(port, from, 2500)).ok;
  }
}

before(async () => {
  if (skip) return;
  await sh('ip', 'netns', 'add', SERVER_NS);
  await sh('ip', 'netns', 'add', CLIENT_NS);
  await sh('ip', 'link', 'add', `mrfw${tag}s`, 'netns', SERVER_NS, 'type', 'veth', 'peer', 'name', `mrfw${tag}c`, 'netns', CLIENT_NS);
  for (const [ns, dev, a, b] of [[SERVER_NS, `mrfw${tag}s`, SERVER_A, SERVER_B], [CLIENT_NS, `mrfw${tag}c`, CLIENT_A, CLIENT_B]] as const) {
    await sh('ip', '-n', ns, 'addr', 'add', `${a}/30`, 'dev', dev);
    await sh('ip', '-n', ns, 'addr', 'add', `${b}/30`, 'dev', dev);
    await sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  }
  writeConfig();
  spawnIn(SERVER_NS, [process.execPath, '-e', LISTENER, ...Object.values(PORTS).map(String)]);
  const helperProc = spawnIn(SERVER_NS, [process.execPath, MAILROOM_BIN, '--data', dir, 'helper']);
  let helperLog = '';
  helperProc.stdout!.on('data', (d: Buffer) => { helperLog += d.toString(); });
  helperProc.stderr!.on('data', (d: Buffer) => { helperLog += d.toString(); });
  probe = new Probe(spawnIn(CLIENT_NS, [process.execPath, '-e', PROBER]));
  helper = new HelperClient({ socketPath: path.join(dir, 'run', 'helper.sock'), timeoutMs: 60_000 });
  await waitFor(() => helper.call('helper.ping').then(() => true), 60_000, `the helper to answer (log: ${helperLog.slice(-500)})`, 250);
  await waitFor(() => probe.connects(PORTS.closed), 60_000, 'the listeners in the server namespace', 250);
});

after(async () => {
  if (skip) return;
  helper?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exitCode !== null ? null : new Promise((r) => { const t = setTimeout(() => { c.kill('SIGKILL'); r(null); }, 10_000); c.once('close', () => { clearTimeout(t); r(null); }); })));
  for (const ns of [SERVER_NS, CLIENT_NS]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

const slow = { skip, timeout: 240_000 };

test('before the firewall, every listener answers (so the refusals below are the firewall)', slow, async () => {
  for (const p of Object.values(PORTS)) assert.ok(await probe.connects(p), `port ${p}`);
  assert.ok(await probe.connects(PORTS.admin, CLIENT_B));
});

test('applied: mail ports connect, others do not, the admin port only from its network', slow, async () => {
  const r = await helper.call<{ applied: boolean; pending: unknown }>('firewall.apply', {});
  assert.equal(r.applied, true);
  assert.equal(r.pending, null);
  assert.ok(await probe.connects(PORTS.smtp), 'smtp');
  assert.ok(await probe.connects(PORTS.imaps), 'imaps');
  assert.ok(await probe.connects(PORTS.smtp, CLIENT_B), 'smtp from the other network');
  assert.ok(await probe.refused(PORTS.closed), 'a port outside the policy');
  assert.ok(await probe.connects(PORTS.admin, CLIENT_A), 'admin from the admin network');
  assert.ok(await probe.refused(PORTS.admin, CLIENT_B), 'admin from elsewhere');
  const state = await helper.call<FirewallState>('firewall.show');
  assert.equal(state.active, true);
  assert.match(state.ruleset ?? '', /policy drop/);
});

test('a blocked client is cut off, open connection included; unblock restores it', slow, async () => {
  const open = await probe.ask({ op: 'open', host: SERVER_A, port: PORTS.smtp, local: CLIENT_A, timeoutMs: 5000 });
  assert.ok(open.ok);
  assert.ok((await probe.ask({ op: 'echo', conn: open.id, text: 'before', timeoutMs: 10_000 })).ok);

  // Through the CLI, as an admin would.
  const cli = await run(process.execPath, [MAILROOM_BIN, '--data', dir, 'firewall', 'block', CLIENT_A, '--for', '10m'], { timeoutMs: 60_000 });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout.toString(), new RegExp(`blocked ${CLIENT_A.replace(/\./g, '\\.')}`));

  assert.ok(await probe.refused(PORTS.smtp), 'new connections from the blocked address');
  assert.equal((await probe.ask({ op: 'echo', conn: open.id, text: 'after', timeoutMs: 2500 })).ok, false, 'the open connection is cut');
  assert.ok(await probe.connects(PORTS.smtp, CLIENT_B), 'the other address is not blocked');
  const shown = JSON.parse((await run(process.execPath, [MAILROOM_BIN, '--data', dir, 'firewall', 'show', '--json'], { timeoutMs: 60_000 })).stdout.toString()) as FirewallState;
  const entry = shown.blocked.find((b) => b.ip === CLIENT_A);
  assert.ok(entry && entry.timeoutSeconds === 600 && entry.expiresSeconds! <= 600);

  // A re-apply keeps the block.
  await helper.call('firewall.apply', {});
  assert.ok(await probe.refused(PORTS.smtp), 'still blocked after a re-apply');

  const un = await helper.call<{ wasBlocked: boolean }>('firewall.unblock', { ip: CLIENT_A });
  assert.equal(un.wasBlocked, true);
  assert.ok(await probe.connects(PORTS.smtp), 'unblocked');
  assert.ok((await probe.ask({ op: 'echo', conn: open.id, text: 'again', timeoutMs: 10_000 })).ok, 'the connection that was dropped (not reset) works again');
});

test('an unconfirmed change reverts by itself; a confirmed one stays', slow, async () => {
  writeConfig({ imaps: null }); // the change: IMAPS closed
  const r = await helper.call<{ pending: { secondsLeft: number } | null }>('firewall.apply', { confirmSeconds: 4 });
  assert.ok(r.pending && r.pending.secondsLeft <= 4);
  assert.ok(await probe.refused(PORTS.imaps), 'the change is in force');
  // Nobody confirms: the previous ruleset (IMAPS open) comes back.
  await waitFor(async () => (await helper.call<FirewallState>('firewall.show')).pending === null, 60_000, 'the revert', 250);
  assert.ok(await probe.connects(PORTS.imaps), 'reverted: IMAPS open again');
  assert.ok(await probe.refused(PORTS.closed), 'reverted to the previous firewall, not to none');
  await assert.rejects(helper.call('firewall.confirm'), (err: Error & { code?: string }) => err.code === 'no_pending_change');

  await helper.call('firewall.apply', { confirmSeconds: 4 });
  assert.deepEqual(await helper.call('firewall.confirm'), { confirmed: true });
  await sleep(6000); // past the deadline it would have had
  assert.ok(await probe.refused(PORTS.imaps), 'confirmed: the change stays');
  writeConfig();
  await helper.call('firewall.apply', {});
  assert.ok(await probe.connects(PORTS.imaps));
});

test('new connections to the mail ports are rate-limited per source', slow, async () => {
  writeConfig({ ratePerMinute: 1, rateBurst: 3 });
  await helper.call('firewall.apply', {});
  let refusedAt = -1;
  for (let i = 0; i < 12 && refusedAt < 0; i++) if (!(await probe.connect(PORTS.smtp, CLIENT_A, 2500)).ok) refusedAt = i;
  assert.ok(refusedAt >= 1, `the first connections pass, then the limit bites (refused at attempt ${refusedAt})`);
  assert.ok(await probe.connects(PORTS.smtp, CLIENT_B), 'another source has its own budget');
  assert.ok(await probe.connects(PORTS.admin, CLIENT_A), 'the admin port is not rate-limited');
  writeConfig();
  await helper.call('firewall.apply', {});
});
