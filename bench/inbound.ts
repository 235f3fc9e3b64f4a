// Inbound delivery benchmark: Mailroom against Postfix 3.7 on the same machine, in one run.
//
// Both servers take mail for one local mailbox over SMTP on loopback and store it durably
// (Postfix: queue file fsync at 250, then virtual(8) into a Maildir; Mailroom: message file,
// directory and SQLite index fsync'd before 250). The load is Postfix's own smtp-source, the same
// for both, in two shapes: a new connection per message (how MX traffic arrives) and 10 long
// sessions (smtp-source -d, which isolates the per-message cost). Throughput counts until every
// message is in the mailbox, so Postfix's queue drain is included. Latency comes from our probe (bench/lib/smtp-probe.ts): one extra session, paced,
// during the load, and a sequential run on the idle server afterwards. Memory is sampled from
// /proc every 100 ms: the daemon for Mailroom, master and all its children for Postfix.
//
// Usage: node dist/bench/inbound.js [--messages N] [--sessions S] [--size BYTES] [--rounds R]
//          [--probe N] [--warmup N] [--load-cap SECONDS] [--scenario conn|reuse|both]
//          [--only postfix|mailroom] [--keep] [--no-write] [--verify] [--cpu-prof]
// Defaults: 2000 messages of 4 KB, 10 sessions, 2 rounds of both shapes (about 2.5 minutes).

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailroomInstance, REPO_ROOT } from './lib/mailroom-instance.js';
import { formatProfileSummary, summarizeCpuProfile } from './lib/outbound-cpu-profile.js';
import { PostfixInstance } from './lib/postfix-instance.js';
import { freePort, MemorySampler, sleep } from './lib/proc.js';
import { writeReport } from './lib/results-writer.js';
import { greetingLatency, quantile, runProbe } from './lib/smtp-probe.js';

type Scenario = 'conn' | 'reuse';
const SCENARIO_TEXT: Record<Scenario, string> = {
  conn: 'a new connection per message',
  reuse: 'one connection per session (-d)',
};

interface Options {
  messages: number;
  sessions: number;
  size: number;
  rounds: number;
  probe: number;
  warmup: number;
  only: 'postfix' | 'mailroom' | null;
  /** Which loads to run: a new connection per message, and/or smtp-source -d (each session
   * sends all its messages over one connection). */
  scenarios: Scenario[];
  verify: boolean;
  /** Profile the daemon's main thread (node --cpu-prof) and summarise where the time went. */
  cpuProf: boolean;
  keep: boolean;
  write: boolean;
  /** Longest one load run may take before smtp-source is stopped. */
  loadCapMs: number;
  /** Longest the queue may take to drain into the mailbox after the load. */
  drainCapMs: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { messages: 2000, sessions: 10, size: 4096, rounds: 2, probe: 200, warmup: 300, only: null, scenarios: ['conn', 'reuse'], keep: false, verify: false, cpuProf: false, write: true, loadCapMs: 45000, drainCapMs: 30000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => { const v = Number(argv[++i]); if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`); return v; };
    switch (a) {
      case '--messages': o.messages = num(); break;
      case '--sessions': o.sessions = num(); break;
      case '--size': o.size = num(); break;
      case '--rounds': o.rounds = Math.max(1, num()); break;
      case '--probe': o.probe = num(); break;
      case '--warmup': o.warmup = num(); break;
      case '--load-cap': o.loadCapMs = num() * 1000; break;
      case '--only': { const v = argv[++i]; if (v !== 'postfix' && v !== 'mailroom') throw new Error('--only postfix|mailroom'); o.only = v; break; }
      case '--keep': o.keep = true; break;
      case '--verify': o.verify = true; break;
      case '--cpu-prof': o.cpuProf = true; break;
      case '--scenario': {
        const v = argv[++i];
        if (v === 'conn' || v === 'reuse') o.scenarios = [v];
        else if (v === 'both') o.scenarios = ['conn', 'reuse'];
        else throw new Error('--scenario conn|reuse|both');
        break;
      }
      case '--no-write': o.write = false; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

const DOMAIN = 'bench.test';
const USER = 'inbox';
const RCPT = `${USER}@${DOMAIN}`;
const SENDER = 'sender@client.bench.test';

interface Server {
  name: string;
  port: number;
  pid: () => number | null;
  rootComm?: string;
  delivered: () => number;
  /** Whether acceptance already means "in the mailbox" (no queue to drain). */
  ackIsDelivery: boolean;
  /**
   * Bodies not yet in a file of their own (Mailroom's intake, mail/store/sqlite/body-spill.ts);
   * absent when every delivered message already is one (Postfix's Maildir).
   */
  unfiled?: () => number;
}

interface RoundResult {
  server: string;
  scenario: Scenario;
  round: number;
  acceptSec: number;
  deliverSec: number;
  acceptRate: number;
  deliverRate: number;
  /** Until every body of the load was in its own file (Mailroom's intake moved); = deliverRate when delivery writes the file. */
  filedRate: number;
  filedSec: number;
  capped: boolean;
  loadedP50: number;
  loadedP99: number;
  loadedN: number;
  /** MAIL FROM → final 250 of the probe under load, p50. */
  loadedTxP50: number;
  idleP50: number;
  idleP99: number;
  idleN: number;
  greetP50: number;
  greetN: number;
  probeFailures: number;
  probeFirstFailure: string | null;
  peakRss: number;
  peakPss: number;
  peakProcs: number;
  smtpSourceErrors: string;
}

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

/** Runs smtp-source to completion or until the cap; resolves with its exit code and stderr. */
function smtpSource(port: number, o: Options, count: number, subject: string, reuse: boolean): Promise<{ code: number | null; stderr: string; capped: boolean }> {
  return new Promise((resolve) => {
    const args = [...(reuse ? ['-d'] : []), '-s', String(o.sessions), '-l', String(o.size), '-m', String(count), '-r', '1',
      '-f', SENDER, '-t', RCPT, '-M', 'client.bench.test', '-S', subject, `inet:127.0.0.1:${port}`];
    const child = spawn('/usr/sbin/smtp-source', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let capped = false;
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4000) stderr += d.toString(); });
    const timer = setTimeout(() => { capped = true; child.kill('SIGTERM'); }, o.loadCapMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr: stderr.trim(), capped }); });
  });
}

async function waitDelivered(s: Server, target: number, capMs: number): Promise<{ count: number; ok: boolean }> {
  const deadline = Date.now() + capMs;
  let count = s.delivered();
  while (count < target && Date.now() < deadline) {
    await sleep(s.ackIsDelivery ? 200 : 10);
    count = s.delivered();
  }
  return { count, ok: count >= target };
}

async function measure(s: Server, o: Options, scenario: Scenario, round: number): Promise<RoundResult> {
  const sampler = new MemorySampler(s.pid, s.rootComm, 100);
  const before = s.delivered();
  sampler.start();
  let loadDone = false;
  const t0 = process.hrtime.bigint();
  // The loaded probe: an extra session, one message every 25 ms at most, for as long as the load runs.
  const loadedProbe = runProbe({ port: s.port, from: SENDER, to: RCPT, bodySize: o.size, count: o.probe, intervalMs: 25, stop: () => loadDone, timeLimitMs: o.loadCapMs, label: `${s.name}-loaded-${round}` });
  const src = await smtpSource(s.port, o, o.messages, `bench ${s.name} ${scenario} round ${round}`, scenario === 'reuse');
  const tAccept = process.hrtime.bigint();
  loadDone = true;
  const loaded = await loadedProbe;
  // Every acknowledged message is committed; polled before the (slower) mailbox count, so that
  // its own time does not count against the moment the last body reached its file.
  let tFiled: bigint | null = null;
  if (s.unfiled) {
    const deadline = Date.now() + o.drainCapMs;
    while (s.unfiled() > 0 && Date.now() < deadline) await sleep(5);
    tFiled = process.hrtime.bigint();
  }
  const expected = before + o.messages + loaded.latenciesMs.length;
  const drained = await waitDelivered(s, expected, o.drainCapMs);
  const tDeliver = s.ackIsDelivery ? tAccept : process.hrtime.bigint();
  sampler.stop();
  const acceptSec = Number(tAccept - t0) / 1e9;
  const deliverSec = Number(tDeliver - t0) / 1e9;
  const got = drained.count - before - loaded.latenciesMs.length;
  const filedSec = Number((tFiled ?? tDeliver) - t0) / 1e9;
  if (!drained.ok) log(`${s.name} round ${round}: only ${drained.count - before} of ${expected - before} messages reached the mailbox`);
  if (src.code !== 0) log(`${s.name} round ${round}: smtp-source exited ${src.code}${src.capped ? ' (time cap)' : ''}: ${src.stderr.split('\n').slice(-3).join(' | ')}`);
  // The idle probe: sequential messages on the quiet server, right after the drain.
  const idle = await runProbe({ port: s.port, from: SENDER, to: RCPT, bodySize: o.size, count: o.probe, timeLimitMs: 30000, label: `${s.name}-idle-${round}` });
  const idleExpected = drained.count + idle.latenciesMs.length;
  await waitDelivered(s, idleExpected, 10000);
  const greet = await greetingLatency(s.port, 20, 10000);
  return {
    server: s.name, scenario, round, acceptSec, deliverSec,
    acceptRate: Math.min(got, o.messages) / acceptSec,
    deliverRate: Math.min(got, o.messages) / deliverSec,
    filedRate: Math.min(got, o.messages) / filedSec, filedSec,
    capped: src.capped || !drained.ok,
    loadedP50: quantile(loaded.latenciesMs, 0.5), loadedP99: quantile(loaded.latenciesMs, 0.99), loadedN: loaded.latenciesMs.length,
    loadedTxP50: quantile(loaded.transactionMs, 0.5),
    idleP50: quantile(idle.latenciesMs, 0.5), idleP99: quantile(idle.latenciesMs, 0.99), idleN: idle.latenciesMs.length,
    greetP50: quantile(greet, 0.5), greetN: greet.length,
    probeFailures: loaded.failures + idle.failures,
    probeFirstFailure: loaded.firstFailure ?? idle.firstFailure,
    peakRss: sampler.peakRss, peakPss: sampler.peakPss, peakProcs: sampler.peakProcs,
    smtpSourceErrors: src.code === 0 ? '' : src.stderr,
  };
}

async function warmUp(s: Server, o: Options): Promise<void> {
  if (o.warmup <= 0) return;
  const before = s.delivered();
  const src = await smtpSource(s.port, { ...o, loadCapMs: 30000 }, o.warmup, `warm-up ${s.name}`, true);
  if (src.code !== 0) throw new Error(`${s.name}: warm-up failed, smtp-source exited ${src.code}: ${src.stderr}`);
  const d = await waitDelivered(s, before + o.warmup, 20000);
  if (!d.ok) throw new Error(`${s.name}: warm-up delivered ${d.count - before} of ${o.warmup}`);
}

const loadAvg = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};

const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const mib = (b: number): string => (b > 0 ? `${(b / 1048576).toFixed(1)} MiB` : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function versions(): { postfix: string; node: string; mailroom: string } {
  const pf = spawnSync('postconf', ['-d', '-h', 'mail_version'], { encoding: 'utf8' }).stdout.trim() || '?';
  let mr = '?';
  try {
    mr = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || '?';
  } catch { /* no git */ }
  return { postfix: pf, node: process.version, mailroom: mr };
}

function report(results: RoundResult[], o: Options, load: { before: string; after: string }): string {
  const v = versions();
  const names = ['Postfix', 'Mailroom'].filter((n) => results.some((r) => r.server === n));
  const both = names.length === 2;
  const pick = (name: string, scenario: Scenario | null) => results.filter((r) => r.server === name && (scenario === null || r.scenario === scenario));
  // Latency under load is taken from the saturating load: persistent sessions if that ran.
  const latencyScenario: Scenario = o.scenarios.includes('reuse') ? 'reuse' : 'conn';
  type Row = { label: string; value: (rs: RoundResult[]) => number; scenario: Scenario | null; show: (x: number, rs: RoundResult[]) => string };
  const rate = (x: number, rs: RoundResult[]) => fmt(x) + (rs.some((r) => r.capped) ? ' (capped)' : '');
  const ms = (d: number) => (x: number) => fmt(x, d);
  const rows: Row[] = [
    ...o.scenarios.map((sc): Row => ({ label: `Delivered into the mailbox, msgs/s: ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => r.deliverRate)), show: rate })),
    ...o.scenarios.map((sc): Row => ({ label: `…and every body in a file of its own, msgs/s: ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => r.filedRate)), show: rate })),
    { label: `End of DATA → 250 under load, p50 (ms)`, scenario: latencyScenario, value: (rs) => median(rs.map((r) => r.loadedP50)), show: ms(1) },
    { label: `End of DATA → 250 under load, p99 (ms)`, scenario: latencyScenario, value: (rs) => median(rs.map((r) => r.loadedP99)), show: ms(1) },
    { label: 'End of DATA → 250 idle, p50 (ms)', scenario: null, value: (rs) => median(rs.map((r) => r.idleP50)), show: ms(2) },
    { label: 'End of DATA → 250 idle, p99 (ms)', scenario: null, value: (rs) => median(rs.map((r) => r.idleP99)), show: ms(2) },
    { label: 'Connect → 220 greeting idle, p50 (ms)', scenario: null, value: (rs) => median(rs.map((r) => r.greetP50)), show: ms(1) },
    { label: 'Peak RSS, summed over the processes', scenario: null, value: (rs) => median(rs.map((r) => r.peakRss)), show: (x, rs) => `${mib(x)} (${Math.max(...rs.map((r) => r.peakProcs))} proc)` },
    { label: 'Peak PSS, summed over the processes', scenario: null, value: (rs) => median(rs.map((r) => r.peakPss)), show: (x) => mib(x) },
  ];
  const title = (n: string) => (n === 'Postfix' ? `Postfix ${v.postfix}` : `Mailroom ${v.mailroom}`);
  const head = `| Inbound, ${o.messages} × ${o.size / 1024} KB, ${o.sessions} sessions | ${names.map(title).join(' | ')}${both ? ' | Mailroom / Postfix' : ''} |`;
  const sep = `| --- | ${names.map(() => '---:').join(' | ')}${both ? ' | ---:' : ''} |`;
  const body = rows.map((row) => {
    const vals = names.map((n) => { const rs = pick(n, row.scenario); return { x: row.value(rs), rs }; });
    const cells = vals.map(({ x, rs }) => row.show(x, rs));
    return `| ${row.label} | ${cells.join(' | ')}${both ? ` | ${ratio(vals[1]!.x, vals[0]!.x)}` : ''} |`;
  });
  const perRound = results.map((r) => `| ${r.server} | ${r.scenario} | ${r.round} | ${fmt(r.deliverRate)} | ${fmt(r.filedRate)} | ${fmt(r.acceptRate)} | ${fmt(r.deliverSec, 2)} | ${fmt(r.loadedP50, 1)} / ${fmt(r.loadedP99, 1)} (n=${r.loadedN}) | ${fmt(r.loadedTxP50, 1)} | ${fmt(r.idleP50, 2)} / ${fmt(r.idleP99, 2)} (n=${r.idleN}) | ${fmt(r.greetP50, 1)} | ${mib(r.peakRss)} | ${mib(r.peakPss)} |${r.capped ? ' capped' : ''}${r.probeFailures ? ` probe failures: ${r.probeFailures} (${r.probeFirstFailure})` : ''}`);
  const cpu = os.cpus()[0]?.model ?? '?';
  const cmd = (sc: Scenario) => `\`smtp-source -s ${o.sessions} -l ${o.size} -m ${o.messages} -r 1${sc === 'reuse' ? ' -d' : ''}\``;
  return [
    '### Inbound delivery: Mailroom vs Postfix',
    '',
    head, sep, ...body,
    '',
    `Medians of ${o.rounds} round${o.rounds > 1 ? 's' : ''}, the servers taking turns (order reversed each round) in one run on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${v.node}, ${new Date().toISOString().slice(0, 10)}; load average ${load.before} before, ${load.after} after.`,
    `Load: Postfix's ${o.scenarios.map(cmd).join(' and ')} to one local mailbox over loopback, after a ${o.warmup}-message warm-up of each server.`,
    'Delivered = messages / time from the first connection until the last message is in the mailbox. Postfix says 250 once its queue file is fsync\'d and then delivers with virtual(8) into a Maildir (its drain counts); Mailroom says 250 once the message and its SQLite index are durable in its store: a body over 64 KiB in its own file (fsync\'d) first, a smaller one in the same SQLite transaction as its index (mail/store/sqlite/body-spill.ts), from where the daemon moves it to its own file once deliveries pause.',
    '…and every body in a file of its own = the same, until the last body of the load is in its file (Mailroom: its intake empty; Postfix: the same as delivered, Maildir files).',
    `Neither checks SPF/DKIM/DMARC (Postfix has no milter here; Mailroom runs with inbound.verify ${o.verify ? 'ON (--verify): Mailroom does more work than the baseline' : 'off; --verify turns it on'}).`,
    `End of DATA → 250 comes from our probe (bench/lib/smtp-probe.ts): under load, one extra session sending at most one message per 25 ms during the ${SCENARIO_TEXT[latencyScenario]} load; idle, ${o.probe} messages in sequence after the queue drained; greeting, 20 fresh connections.`,
    'Memory = /proc every 100 ms during load and drain: the daemon for Mailroom; master and all its children (smtpd, cleanup, trivial-rewrite, qmgr, virtual, …) for Postfix. Summed RSS counts shared pages once per process; PSS splits them.',
    '',
    '<details><summary>Every run</summary>',
    '',
    '| server | load | round | delivered msgs/s | in files msgs/s | accepted msgs/s | seconds | under load p50 / p99 ms | under load MAIL → 250 p50 ms | idle p50 / p99 ms | greeting ms | peak RSS | peak PSS |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...perRound,
    '',
    '</details>',
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadBefore = loadAvg();
  const servers: Server[] = [];
  let postfix: PostfixInstance | null = null;
  let mailroom: MailroomInstance | null = null;
  const profDir = o.cpuProf && o.only !== 'postfix' ? mkdtempSync('/tmp/mailroom-bench-prof-') : null;
  const cleanupSync = () => { postfix?.stopSync(); mailroom?.stopSync(); };
  const onSignal = (sig: NodeJS.Signals) => { cleanupSync(); process.kill(process.pid, sig); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (o.only !== 'mailroom') {
      postfix = new PostfixInstance({ port: await freePort(), domain: DOMAIN, users: [USER] });
      const pf = postfix;
      log(`starting Postfix in ${pf.dir}`);
      await pf.start();
      servers.push({ name: 'Postfix', port: pf.port, pid: () => pf.pid, rootComm: 'master', delivered: () => pf.delivered(USER), ackIsDelivery: false });
    }
    if (o.only !== 'postfix') {
      mailroom = new MailroomInstance({ port: await freePort(), domain: DOMAIN, users: [USER], verify: o.verify, nodeArgs: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [] });
      const mr = mailroom;
      log(`starting Mailroom in ${mr.dir}`);
      await mr.start();
      servers.push({ name: 'Mailroom', port: mr.port, pid: () => mr.pid, delivered: () => mr.delivered(USER), ackIsDelivery: true, unfiled: () => mr.unfiledBodies() });
    }
    for (const s of servers) {
      log(`warming up ${s.name} (${o.warmup} messages)`);
      await warmUp(s, o);
    }
    const results: RoundResult[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      // Alternate the order (A B, B A, ...) so drift of the machine does not favour one side.
      const order = round % 2 ? servers : [...servers].reverse();
      for (const scenario of o.scenarios) for (const s of order) {
        log(`round ${round}: ${s.name}, ${o.messages} messages, ${SCENARIO_TEXT[scenario]}`);
        const r = await measure(s, o, scenario, round);
        log(`  ${fmt(r.deliverRate)} msgs/s delivered (${fmt(r.acceptRate)} accepted, ${fmt(r.filedRate)} in files), ${fmt(r.deliverSec, 2)} s, p50/p99 under load ${fmt(r.loadedP50, 1)}/${fmt(r.loadedP99, 1)} ms, idle ${fmt(r.idleP50, 2)}/${fmt(r.idleP99, 2)} ms, greeting ${fmt(r.greetP50, 1)} ms, peak RSS ${mib(r.peakRss)}`);
        results.push(r);
      }
    }
    const md = report(results, o, { before: loadBefore, after: loadAvg() });
    process.stdout.write('\n' + md + '\n');
    if (o.write && servers.length === 2) {
      const dir = path.join(REPO_ROOT, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      // Only the report on top is replaced; the dated sections below it are kept.
      writeReport(path.join(dir, 'inbound.md'), md);
      writeFileSync(path.join(dir, 'inbound.json'), JSON.stringify({ options: o, results }, null, 2) + '\n');
      log(`wrote bench/results/inbound.md and inbound.json`);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const failed = results.some((r) => r.capped || r.smtpSourceErrors);
    return failed ? 1 : 0;
  } finally {
    if (postfix) await postfix.stop(o.keep).catch((e: Error) => log(`stopping Postfix: ${e.message}`));
    if (mailroom) await mailroom.stop(o.keep).catch((e: Error) => log(`stopping Mailroom: ${e.message}`));
    if (profDir) reportProfile(profDir, o);
  }
}

/** Prints where the daemon's main thread spent its time (written when the daemon exits). */
function reportProfile(dir: string, o: Options): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) log(`no CPU profile was written in ${dir} (the daemon did not exit normally)`);
  else {
    const text = files.map((f) => formatProfileSummary(summarizeCpuProfile(path.join(dir, f), 30))).join('\n\n');
    process.stderr.write(`\n${text}\n`);
    writeFileSync(path.join(dir, 'summary.txt'), text + '\n');
  }
  if (o.keep) log(`CPU profile kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

main().then(
  (code) => { process.exitCode = code; },
  (err: Error) => { log(err.stack ?? err.message); process.exitCode = 1; },
);
