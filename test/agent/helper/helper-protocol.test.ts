// The privileged helper's protocol over a real Unix socket: a real `startHelper` in a temporary
// data directory (its firewall off, so nothing here touches nftables), raw lines for malformed
// requests, the agent's HelperClient for typed errors, and a client running as another user
// refused by the socket's permissions.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { silentLogger } from '../../../core/log.js';
import { HELPER_COMMANDS } from '../../../agent/helper/catalogue.js';
import { HelperClient } from '../../../agent/helper/helper-client.js';
import { defineHelperCommand, HelperError } from '../../../agent/helper/helper-command.js';
import { startHelper } from '../../../agent/helper/main.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-helper-'));
chmodSync(dir, 0o755); // so the other-user test reaches the socket and meets its own permissions
writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hostname: 'mx.example.test' }));

const echo = defineHelperCommand({
  name: 'test.echo',
  schema: z.strictObject({ text: z.string().max(10) }),
  async run(args, ctx) { return { text: args.text, seen: ctx.shared('n', () => ({ n: 0 })).n++ }; },
});
const crash = defineHelperCommand({
  name: 'test.crash',
  schema: z.strictObject({}),
  async run() { throw new Error('secret internals /etc/shadow'); },
});
const shell = defineHelperCommand({
  name: 'test.argv',
  schema: z.strictObject({ word: z.string() }),
  async run(args, ctx) { return (await ctx.run(['printf', '%s', args.word])).stdout; },
});

const helper = await startHelper(dir, { logger: silentLogger, commands: [...HELPER_COMMANDS, echo, crash, shell] });
const client = new HelperClient({ socketPath: helper.socketPath, timeoutMs: 20_000 });
after(async () => {
  client.close();
  await helper.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw lines on a fresh connection and collects `count` response lines. */
function raw(lines: string, count: number): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect(helper.socketPath);
    let buf = '';
    const out: Record<string, unknown>[] = [];
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`timeout; got ${JSON.stringify(out)}`)); }, 20_000);
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) { out.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>); buf = buf.slice(nl + 1); }
      if (out.length >= count) { clearTimeout(timer); s.destroy(); resolve(out); }
    });
    s.on('error', (e) => { clearTimeout(timer); reject(e); });
    s.write(lines);
  });
}

test('the socket is mode 0660 and answers helper.ping', async () => {
  assert.equal(statSync(helper.socketPath).mode & 0o777, 0o660);
  assert.equal(helper.socketPath, path.join(dir, 'run', 'helper.sock'));
  const pong = await client.call<{ pong: boolean }>('helper.ping');
  assert.equal(pong.pong, true);
});

test('bad JSON, a non-request and an unknown command get typed errors; the connection stays usable', async () => {
  const r = await raw('{not json\n[1,2]\n{"id":7,"command":"no.such"}\n{"id":8,"command":"test.echo","args":{"text":"hi"}}\n{"id":9,"command":"Bad Name"}\n{"id":10,"command":"test.echo","extra":1}\n', 6);
  const byId = (id: unknown) => r.filter((x) => x.id === id);
  assert.deepEqual(byId(null).map((x) => (x.error as { code: string }).code), ['bad_request', 'bad_request']);
  assert.equal((byId(7)[0]!.error as { code: string }).code, 'unknown_command');
  assert.deepEqual(byId(8)[0]!.result, { text: 'hi', seen: 0 });
  assert.equal((byId(9)[0]!.error as { code: string }).code, 'bad_request');
  assert.equal((byId(10)[0]!.error as { code: string }).code, 'bad_request');
});

test('bad args are refused by the command schema before it runs', async () => {
  const cases: [string, Record<string, unknown>][] = [
    ['test.echo', { text: 'far too long for it' }],
    ['test.echo', { text: 'x', more: 1 }],
    ['firewall.block', { ip: '10.0.0.0/8', seconds: 60 }],
    ['firewall.block', { ip: '192.0.2.1 } ; flush ruleset', seconds: 60 }],
    ['firewall.block', { ip: '192.0.2.1', seconds: -1 }],
    ['firewall.unblock', { ip: 'fe80::1%eth0' }],
    ['firewall.apply', { confirmSeconds: 'soon' }],
  ];
  for (const [command, args] of cases) {
    await assert.rejects(client.call(command, args), (err: HelperError) => err.code === 'bad_args' && err.message.startsWith(command), `${command} ${JSON.stringify(args)}`);
  }
  await assert.rejects(client.call('rm.rf', {}), (err: HelperError) => err.code === 'unknown_command');
});

test('an unexpected failure is reported as internal without its message', async () => {
  await assert.rejects(client.call('test.crash'), (err: HelperError) => err.code === 'internal' && !err.message.includes('shadow'));
});

test('processes get an argv, never a shell: shell syntax stays one literal word', async () => {
  assert.equal(await client.call('test.argv', { word: '$(id); echo pwned `id` | cat' }), '$(id); echo pwned `id` | cat');
});

test('state from ctx.shared lives as long as the helper', async () => {
  const a = await client.call<{ seen: number }>('test.echo', { text: 'a' });
  const b = await client.call<{ seen: number }>('test.echo', { text: 'b' });
  assert.equal(b.seen, a.seen + 1);
});

test('no helper: helper_unavailable with the socket path in one line', async () => {
  const none = new HelperClient({ socketPath: path.join(dir, 'run', 'nothing.sock') });
  await assert.rejects(none.call('helper.ping'), (err: HelperError) => err.code === 'helper_unavailable' && err.message.includes('nothing.sock') && !err.message.includes('\n'));
  none.close();
});

test('a second helper on the same socket refuses to start', async () => {
  await assert.rejects(startHelper(dir, { logger: silentLogger }), (err: HelperError) => err.code === 'helper_socket_in_use');
});

test('a user outside the socket group is refused by the socket itself (EACCES)', { skip: process.getuid?.() !== 0 ? 'needs root to run a client as another user' : false }, async () => {
  // The client runs as nobody with node's builtins only: our compiled tree may sit where nobody
  // cannot read it (a fresh clone in a 0700 temporary directory). HelperClient maps EACCES to
  // helper_access_denied (agent/helper/helper-client.ts).
  const script = `const net = require('node:net');
    const s = net.connect(${JSON.stringify(helper.socketPath)});
    s.on('connect', () => { console.log('ALLOWED'); s.destroy(); });
    s.on('error', (e) => console.log(e.code));`;
  // Every directory on the way is open to nobody: only the socket's own mode (0660) refuses.
  for (let d = path.dirname(helper.socketPath); d !== path.dirname(d); d = path.dirname(d)) {
    if (d === os.tmpdir() || d === '/') break;
    chmodSync(d, 0o755);
  }
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { uid: 65534, gid: 65534, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { text += d.toString(); });
    child.on('error', reject);
    child.on('close', () => resolve(text.trim()));
  });
  assert.equal(out, 'EACCES');
});
