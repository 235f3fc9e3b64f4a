// The agent's own cost on the machine it looks after: CPU (percent of one core) and resident
// memory of the real `mailroom agent` process over a measurement window, sampling the hardware
// every second (agent.sampleInterval = 1, the most it will ever be asked for), with a panel's
// websocket connected (every sample is pushed). With --daemon the real `mailroom serve` runs
// too, so the control socket's event stream and the alert checks are live; without it they
// fail fast and retry. Target: under 2% of one core and under 80 MB resident.
//
//   node dist/bench/agent-cost.js [--seconds 60] [--interval 1] [--daemon] [--no-panel]
//
// CPU is utime + stime of the agent's process from /proc/PID/stat (children included via
// cutime/cstime, which stay 0: the agent starts no processes but smartctl, once at start and
// then every agent.smartInterval); RSS is VmRSS, sampled every second.
//
// The agent runs with the NODE_OPTIONS of provisioning/systemd/mailroom-agent.service (what the
// appliance runs), unless --node-options gives others ("" for none).

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { WebSocket } from 'ws';
import { freePort, sleep } from './lib/proc.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    interval: { type: 'string', default: '1' },
    daemon: { type: 'boolean', default: false },
    'no-panel': { type: 'boolean', default: false },
    'node-options': { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const interval = Number(values.interval);
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PASSWORD = 'Vq7!trellis-Oxbow-42';
const run = promisify(execFile);
const UNIT = fileURLToPath(new URL('../../provisioning/systemd/mailroom-agent.service', import.meta.url));

/** NODE_OPTIONS from the unit's `Environment="NODE_OPTIONS=..."` line, or "" when it has none. */
function unitNodeOptions(): string {
  try {
    const m = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(readFileSync(UNIT, 'utf8'));
    return m ? m[1]!.trim() : '';
  } catch {
    return '';
  }
}
const nodeOptions = values['node-options'] ?? unitNodeOptions();
const TICKS = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based), i.e. 11-14 after the comm.
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m ? Number(m[1]) * 1024 : 0;
}

function post(port: number, ca: Buffer, pathname: string, body: unknown): Promise<{ status: number; cookie: string | null }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path: pathname, method: 'POST', ca,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), origin: `https://127.0.0.1:${port}` },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? null }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function spawnCli(dataDir: string, command: string, env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; stdout: string[] } {
  const child = spawn(process.execPath, [CLI, '--data', dataDir, command], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const stdout: string[] = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (c: string) => stdout.push(c));
  return { child, stdout };
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-agent-cost-'));
  const dataDir = path.join(root, 'data');
  const children: ChildProcess[] = [];
  try {
    await run(process.execPath, [CLI, '--data', dataDir, 'init', '--hostname', 'mx.bench.test']);
    const [adminPort, httpPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
    const file = path.join(dataDir, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    cfg.listen = { smtp: `127.0.0.1:${smtpPort}`, submission: null, submissions: null, imap: null, imaps: null, pop3: null, pop3s: null, admin: `127.0.0.1:${adminPort}`, http: `127.0.0.1:${httpPort}` };
    cfg.limits = { diskReserve: '1M' };
    cfg.agent = { sampleInterval: interval };
    writeFileSync(file, JSON.stringify(cfg, null, 2));

    if (values.daemon) {
      const daemon = spawnCli(dataDir, 'serve');
      children.push(daemon.child);
      const socket = path.join(dataDir, 'run', 'control.sock');
      for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(100);
      if (!existsSync(socket)) console.log('note: the mail daemon has no control socket (not wired into mail/main.ts yet); measuring without it');
    }
    const agent = spawnCli(dataDir, 'agent', { ...process.env, NODE_OPTIONS: nodeOptions });
    children.push(agent.child);
    const ca = readFileSync(path.join(dataDir, 'tls', 'cert.pem'));
    let token: string | null = null;
    for (let i = 0; i < 200 && !token; i++) {
      await sleep(100);
      const m = /"setupToken":"([^"]+)"/.exec(agent.stdout.join(''));
      token = m ? m[1]! : null;
    }
    if (!token) throw new Error(`the agent did not start: ${agent.stdout.join('').slice(-2000)}`);
    const setup = await post(adminPort, ca, '/api/v1/setup', { token, username: 'bench', password: PASSWORD });
    if (setup.status !== 201 || !setup.cookie) throw new Error(`setup failed: ${setup.status}`);

    let messages = 0;
    let ws: WebSocket | null = null;
    if (!values['no-panel']) {
      ws = new WebSocket(`wss://127.0.0.1:${adminPort}/api/v1/events`, { ca, headers: { cookie: setup.cookie }, origin: `https://127.0.0.1:${adminPort}` });
      ws.on('message', () => { messages++; });
      await new Promise<void>((resolve, reject) => { ws!.once('open', () => resolve()); ws!.once('error', reject); });
    }

    // Let start-up (module loading, the first SMART read, JIT warm-up) settle before measuring.
    await sleep(5000);
    const pid = agent.child.pid!;
    const rss: number[] = [];
    const t0 = Date.now();
    const c0 = cpuTicks(pid);
    const m0 = messages;
    while (Date.now() - t0 < seconds * 1000) {
      await sleep(1000);
      rss.push(rssBytes(pid));
    }
    const wall = (Date.now() - t0) / 1000;
    const cpu = ((cpuTicks(pid) - c0) / TICKS / wall) * 100;
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    const result = {
      seconds: Math.round(wall), sampleInterval: interval, daemon: values.daemon, panel: !values['no-panel'], nodeOptions,
      cpuPercentOfOneCore: Number(cpu.toFixed(2)),
      rssMb: { min: Number(mb(Math.min(...rss))), mean: Number(mb(rss.reduce((a, b) => a + b, 0) / rss.length)), max: Number(mb(Math.max(...rss))) },
      websocketMessages: messages - m0,
    };
    console.log(JSON.stringify(result));
    console.log(`agent at a ${interval} s sampling interval over ${result.seconds} s: CPU ${result.cpuPercentOfOneCore}% of one core (target < 2%), RSS mean ${result.rssMb.mean} MB, max ${result.rssMb.max} MB (target < 80 MB), ${result.websocketMessages} websocket messages, NODE_OPTIONS "${nodeOptions}"`);
    ws?.close();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(1000);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
