// Outbound relay benchmark: Mailroom against Postfix 3.7, each taking mail for a foreign domain
// and relaying it to the same local smtp-sink, side by side in one run.
//
// Mailroom takes the load on its submission listener with AUTH PLAIN (auth.allowInsecure: plain
// TCP, as Postfix's port is), spools it durably, and its queue delivers by MX, which a dnsmasq on
// loopback points at the sink. Postfix takes it on smtpd from mynetworks without AUTH and relays
// through relayhost = [127.0.0.1]:sink. The same client (bench/lib/outbound-load.ts) sends the
// same messages to both over C sessions, reusing connections or one connection per message.
// Throughput counts until the sink has seen every accepted message (smtp-sink -c counters).
//
// Usage: node dist/bench/outbound.js [--messages N] [--sessions C] [--size BYTES] [--rounds R]
//          [--warmup N] [--scenario reuse|conn|both] [--only postfix|mailroom]
//          [--concurrency TOTAL,PERDOMAIN] [--load-cap SECONDS] [--drain-cap SECONDS] [--total-cap SECONDS]
//          [--cpu-prof] [--keep] [--no-write]
// Defaults: 2000 messages of 4 KB, 10 sessions, 3 rounds of both shapes, Mailroom's default
// queue.concurrency. Every process it starts is stopped at the end, on failure and on SIGINT.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_PASSWORD, MailroomInstance, REPO_ROOT } from './lib/mailroom-instance.js';
import { OutboundDnsInstance } from './lib/outbound-dns-instance.js';
import { threadCpuSeconds, treeCpuSeconds } from './lib/outbound-cpu.js';
import { formatProfileSummary, summarizeCpuProfile } from './lib/outbound-cpu-profile.js';
import { runOutboundLoad } from './lib/outbound-load.js';
import { fmt, mib, outboundReport, SCENARIO_TEXT, type OutboundRun, type OutboundScenario } from './lib/outbound-report.js';
import { PostfixInstance } from './lib/postfix-instance.js';
import { writeReport } from './lib/results-writer.js';
import { freePort, MemorySampler, sleep } from './lib/proc.js';
import { SmtpSinkInstance } from './lib/smtp-sink-instance.js';
import { quantile } from './lib/smtp-probe.js';

/** The compiled tree this file runs from (dist/ under run.sh): the daemon runs the same code. */
const DIST_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  messages: number;
  sessions: number;
  size: number;
  rounds: number;
  warmup: number;
  scenarios: OutboundScenario[];
  only: 'postfix' | 'mailroom' | null;
  /** Mailroom's queue.concurrency; null: its defaults. */
  concurrency: { total: number; perDomain: number } | null;
  loadCapMs: number;
  drainCapMs: number;
  /** No new run starts after this long; the report covers the runs done. */
  totalCapMs: number;
  cpuProf: boolean;
  keep: boolean;
  write: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    messages: 2000, sessions: 10, size: 4096, rounds: 3, warmup: 200, scenarios: ['reuse', 'conn'], only: null, concurrency: null,
    loadCapMs: 120_000, drainCapMs: 120_000, totalCapMs: 30 * 60_000, cpuProf: false, keep: false, write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => { const v = Number(argv[++i]); if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`); return v; };
    switch (a) {
      case '--messages': o.messages = Math.max(1, num()); break;
      case '--sessions': o.sessions = Math.max(1, num()); break;
      case '--size': o.size = num(); break;
      case '--rounds': o.rounds = Math.max(1, num()); break;
      case '--warmup': o.warmup = num(); break;
      case '--load-cap': o.loadCapMs = num() * 1000; break;
      case '--drain-cap': o.drainCapMs = num() * 1000; break;
      case '--total-cap': o.totalCapMs = num() * 1000; break;
      case '--scenario': {
        const v = argv[++i];
        if (v === 'reuse' || v === 'conn') o.scenarios = [v];
        else if (v === 'both') o.scenarios = ['reuse', 'conn'];
        else throw new Error('--scenario reuse|conn|both');
        break;
      }
      case '--only': { const v = argv[++i]; if (v !== 'postfix' && v !== 'mailroom') throw new Error('--only postfix|mailroom'); o.only = v; break; }
      case '--concurrency': {
        const m = /^(\d+),(\d+)$/.exec(argv[++i] ?? '');
        if (!m) throw new Error('--concurrency TOTAL,PERDOMAIN (e.g. 20,20)');
        o.concurrency = { total: Number(m[1]), perDomain: Number(m[2]) };
        break;
      }
      case '--cpu-prof': o.cpuProf = true; break;
      case '--keep': o.keep = true; break;
      case '--no-write': o.write = false; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

const DOMAIN = 'bench.test';
const USER = 'sender';
const SENDER = `${USER}@${DOMAIN}`;
const RCPT_DOMAIN = 'remote.example';
const RCPT = `user@${RCPT_DOMAIN}`;
const MX_HOST = `mx.${RCPT_DOMAIN}`;
/** Mailroom's queue.concurrency defaults (core/config.ts), for the report when not overridden. */
const MAILROOM_DEFAULT_CONCURRENCY = { total: 20, perDomain: 20 };

interface Server {
  name: 'Postfix' | 'Mailroom';
  port: number;
  pid: () => number | null;
  rootComm?: string;
  auth: { user: string; pass: string } | null;
  /** Messages still in its queue. */
  queued: () => number;
}

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

/** Waits until the server's queue is empty, so one run's stragglers never count in the next. */
async function settle(s: Server, capMs: number): Promise<number> {
  const deadline = Date.now() + capMs;
  let n = s.queued();
  while (n > 0 && Date.now() < deadline) {
    await sleep(250);
    n = s.queued();
  }
  return n;
}

async function measure(s: Server, sink: SmtpSinkInstance, o: Options, scenario: OutboundScenario, round: number, label: string, count = o.messages): Promise<OutboundRun> {
  const left = await settle(s, 30_000);
  if (left > 0) log(`${s.name}: ${left} messages still queued from before; this run may count them`);
  const baseReceived = sink.received;
  const baseSessions = sink.sessionsEnded;
  const sampler = new MemorySampler(s.pid, s.rootComm, 100);
  sampler.start();
  const cpu0 = treeCpuSeconds(s.pid(), s.rootComm);
  const main0 = s.name === 'Mailroom' ? threadCpuSeconds(s.pid()) : NaN;
  const load = await runOutboundLoad({
    port: s.port, sessions: o.sessions, messages: count, size: o.size, from: SENDER, to: RCPT, auth: s.auth,
    connectionPerMessage: scenario === 'conn', timeLimitMs: o.loadCapMs, label,
  });
  const reached = await sink.waitFor(baseReceived + load.accepted, o.drainCapMs);
  const tDeliver = reached ? sink.lastReceivedAt : process.hrtime.bigint();
  const gotInTime = sink.received - baseReceived;
  const cpu1 = treeCpuSeconds(s.pid(), s.rootComm);
  const main1 = s.name === 'Mailroom' ? threadCpuSeconds(s.pid()) : NaN;
  sampler.stop();
  // Connections close after the last delivery (Postfix caches them for 2 s): count them once the
  // queue is empty and the cache has let go.
  await settle(s, 10_000);
  await sleep(s.name === 'Postfix' ? 2500 : 200);
  const acceptSec = Number(load.finishedAt - load.startedAt) / 1e9;
  const deliverSec = Number(tDeliver - load.startedAt) / 1e9;
  const got = sink.received - baseReceived;
  if (!reached) log(`${s.name} round ${round}: the sink had ${gotInTime} of ${load.accepted} accepted messages when the drain cap (${o.drainCapMs / 1000} s) ran out`);
  if (got > load.accepted) log(`${s.name} round ${round}: the sink got ${got - load.accepted} more messages than were accepted`);
  if (load.failures) log(`${s.name} round ${round}: ${load.failures} failed submissions, first: ${load.firstFailure}`);
  return {
    server: s.name, scenario, round, accepted: load.accepted, failures: load.failures, firstFailure: load.firstFailure,
    acceptSec, deliverSec, acceptRate: load.accepted / acceptSec, deliverRate: Math.min(gotInTime, load.accepted) / deliverSec,
    p50: quantile(load.latenciesMs, 0.5), p99: quantile(load.latenciesMs, 0.99), authP50: quantile(load.authMs, 0.5),
    sinkSessions: sink.sessionsEnded - baseSessions, cpuSec: cpu1 - cpu0, mainThreadCpuSec: main1 - main0, peakRss: sampler.peakRss,
    capped: load.capped || !reached || load.accepted < count,
  };
}

const loadAvg = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

function versions(): { postfix: string; node: string; mailroom: string } {
  const pf = spawnSync('postconf', ['-d', '-h', 'mail_version'], { encoding: 'utf8' }).stdout?.trim() || '?';
  const mr = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout?.trim() || '?';
  return { postfix: pf, node: process.version, mailroom: mr };
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadBefore = loadAvg();
  const sink = new SmtpSinkInstance({ port: await freePort() });
  const dns = new OutboundDnsInstance({ port: await freePort(), domain: RCPT_DOMAIN, mxHost: MX_HOST });
  let postfix: PostfixInstance | null = null;
  let mailroom: MailroomInstance | null = null;
  const profDir = o.cpuProf ? mkdtempSync('/tmp/mailroom-bench-prof-') : null;
  // On a signal: stop everything at once and remove the temporary directories (unless --keep).
  const cleanupSync = () => {
    postfix?.stopSync();
    mailroom?.stopSync();
    sink.stopSync();
    dns.stopSync();
    if (o.keep) return;
    for (const d of [postfix?.dir, mailroom?.dir, mailroom?.logFile, profDir]) if (d) rmSync(d, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => { cleanupSync(); process.kill(process.pid, sig); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const servers: Server[] = [];
  let postfixConcurrency = 'default_destination_concurrency_limit';
  try {
    await sink.start();
    log(`smtp-sink on 127.0.0.1:${sink.port}`);
    if (o.only !== 'postfix') {
      await dns.start();
      const conc = o.concurrency;
      mailroom = new MailroomInstance({
        port: await freePort(), domain: DOMAIN, users: [USER], listener: 'submission', cli: path.join(DIST_ROOT, 'cli', 'main.js'),
        nodeArgs: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
        configure: (cfg) => {
          const obj = (k: string) => (cfg[k] ?? {}) as Record<string, unknown>;
          cfg.auth = { ...obj('auth'), allowInsecure: true };
          cfg.dns = { ...obj('dns'), servers: [dns.server] };
          cfg.outbound = { ...obj('outbound'), relay: null, port: sink.port };
          const limits = obj('limits');
          // The bench's whole load is one user from one address: lift the per-user hourly caps and
          // the per-IP connection cap, which exist against abuse, not for this.
          cfg.limits = { ...limits, connectionsPerIp: 1000, submission: { messagesPerHour: 1_000_000, recipientsPerHour: 10_000_000 } };
          if (conc) cfg.queue = { ...obj('queue'), concurrency: conc };
        },
      });
      const mr = mailroom;
      log(`starting Mailroom in ${mr.dir}`);
      await mr.start();
      servers.push({ name: 'Mailroom', port: mr.port, pid: () => mr.pid, auth: { user: SENDER, pass: BENCH_PASSWORD }, queued: () => mr.queued() });
    }
    if (o.only !== 'mailroom') {
      postfix = new PostfixInstance({ port: await freePort(), domain: DOMAIN, users: ['inbox'], relayhost: `[127.0.0.1]:${sink.port}` });
      const pf = postfix;
      log(`starting Postfix in ${pf.dir}`);
      await pf.start();
      const limit = spawnSync('postconf', ['-c', pf.confDir, '-h', 'default_destination_concurrency_limit'], { encoding: 'utf8' }).stdout?.trim();
      postfixConcurrency = `default_destination_concurrency_limit = ${limit || '?'}`;
      // Postfix first in the list, as in the inbound report.
      servers.unshift({ name: 'Postfix', port: pf.port, pid: () => pf.pid, rootComm: 'master', auth: null, queued: () => pf.queued() });
    }
    for (const s of servers) {
      if (o.warmup <= 0) break;
      log(`warming up ${s.name} (${o.warmup} messages)`);
      const w = await measure(s, sink, o, 'reuse', 0, `warmup-${s.name}`, o.warmup);
      if (w.accepted < o.warmup || w.capped) throw new Error(`${s.name}: warm-up relayed ${w.accepted} of ${o.warmup} (${w.firstFailure ?? 'sink did not get them all'})\n${s.name === 'Mailroom' ? mailroom?.tailLog() : postfix?.tailLog()}`);
    }
    const results: OutboundRun[] = [];
    let outOfTime = false;
    for (let round = 1; round <= o.rounds && !outOfTime; round++) {
      const order = round % 2 ? servers : [...servers].reverse();
      for (const scenario of o.scenarios) for (const s of order) {
        if (Date.now() - started > o.totalCapMs) {
          if (!outOfTime) log(`stopping after ${o.totalCapMs / 1000} s (--total-cap): the report covers the runs done`);
          outOfTime = true;
          continue;
        }
        log(`round ${round}: ${s.name}, ${o.messages} messages, ${SCENARIO_TEXT[scenario]}`);
        const r = await measure(s, sink, o, scenario, round, `${s.name}-${scenario}-${round}`);
        log(`  ${fmt(r.deliverRate)} msgs/s relayed (${fmt(r.acceptRate)} accepted), ${fmt(r.deliverSec, 2)} s, 250 p50/p99 ${fmt(r.p50, 2)}/${fmt(r.p99, 2)} ms, ${r.sinkSessions} sink sessions, CPU ${fmt(r.cpuSec, 2)} s${Number.isFinite(r.mainThreadCpuSec) ? ` (main thread ${fmt(r.mainThreadCpuSec, 2)} s)` : ''}, peak RSS ${mib(r.peakRss)}`);
        results.push(r);
      }
    }
    const md = outboundReport(results, {
      messages: o.messages, sessions: o.sessions, size: o.size, rounds: o.rounds, warmup: o.warmup, scenarios: o.scenarios,
      versions: versions(), load: { before: loadBefore, after: loadAvg() },
      concurrency: o.concurrency ?? MAILROOM_DEFAULT_CONCURRENCY, postfixConcurrency,
    });
    process.stdout.write('\n' + md + '\n');
    if (o.write && servers.length === 2) {
      const dir = path.join(REPO_ROOT, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeReport(path.join(dir, 'outbound.md'), md);
      writeFileSync(path.join(dir, 'outbound.json'), JSON.stringify({ options: o, results }, null, 2) + '\n');
      log('wrote bench/results/outbound.md and outbound.json');
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return outOfTime || results.some((r) => r.capped || r.failures > 0) ? 1 : 0;
  } finally {
    if (postfix) await postfix.stop(o.keep).catch((e: Error) => log(`stopping Postfix: ${e.message}`));
    if (mailroom) await mailroom.stop(o.keep).catch((e: Error) => log(`stopping Mailroom: ${e.message}`));
    await sink.stop().catch((e: Error) => log(`stopping smtp-sink: ${e.message}`));
    await dns.stop().catch((e: Error) => log(`stopping dnsmasq: ${e.message}`));
    if (profDir) reportProfile(profDir, o);
  }
}

/** Prints where the daemon's main thread spent its time and keeps the summary beside the results. */
function reportProfile(dir: string, o: Options): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    log(`no CPU profile was written in ${dir} (the daemon did not exit normally)`);
    return;
  }
  // One file per thread: node names the main thread's *.0.001.cpuprofile, worker threads' after it.
  const text = files.sort().map((f) => `${f}:\n${formatProfileSummary(summarizeCpuProfile(path.join(dir, f), 25))}`).join('\n\n');
  process.stderr.write(`\n${text}\n`);
  if (o.write) {
    const out = path.join(REPO_ROOT, 'bench', 'results', 'outbound-profile.txt');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, text + '\n');
    log('wrote bench/results/outbound-profile.txt');
  }
  if (o.keep) log(`CPU profile kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

main().then(
  (code) => { process.exitCode = code; },
  (err: Error) => { log(err.stack ?? err.message); process.exitCode = 1; },
);
