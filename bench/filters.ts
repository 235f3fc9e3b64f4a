// Content-filter benchmark: what spam and virus filtering adds to inbound delivery (issue 5:
// "at most 20% at 10 concurrent sessions, with rspamd and clamd in the loop").
//
// One real rspamd 3.4 and one real clamd (the test fixtures: test/helpers/rspamd-fixture.ts,
// clamd-fixture.ts) and two Mailroom MX instances, set up alike with the public CLI: (a) with no
// content filters, (b) with spam.rspamd and antivirus.clamd pointed at them (clamd on its Unix
// socket, as Debian runs it). Rounds alternate (a b, b a, ...) in one run, so drift of a shared
// machine does not favour one side. The load is S sessions over kept-open connections sending N
// clean 4 KB text messages back to back; every message is timed from the end of DATA to 250
// (bench/lib/filter-load.ts). Clean mail only, so both sides store every message; that spam and
// viruses are refused is shown separately, after the rounds (GTUBE and EICAR to (b): 554).
// The daemon's log gives each check's own time (filters.rspamd.ms, filters.clamd.ms), and /proc
// the CPU time of Mailroom, rspamd and clamd per message.
//
// Usage: node dist/bench/filters.js [--messages N] [--sessions S] [--size BYTES] [--rounds R]
//          [--warmup N] [--rejects K] [--rspamd-workers W] [--load-cap SECONDS] [--cpu-prof] [--keep] [--no-write]
//        MAILROOM_BENCH_BIN=dist-NAME/cli/main.js runs another build of the daemon.
// Defaults: 1000 × 4 KB, 10 sessions, 3 rounds, 100 warm-up messages, 5 GTUBE + 5 EICAR.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClamdFixture, clamdMissing } from '../test/helpers/clamd-fixture.js';
import { RspamdFixture, rspamdMissing } from '../test/helpers/rspamd-fixture.js';
import { readCheckTimes, logSize, type CheckTimes } from './lib/filter-check-times.js';
import { runLoad, sendOne, type Reply } from './lib/filter-load.js';
import { cleanMessage, dataSection, eicarBenchMessage, gtubeMessage } from './lib/filter-messages.js';
import { filterReport, type FilterRound, type RefusalCheck } from './lib/filter-report.js';
import { writeReport } from './lib/results-writer.js';
import { MailroomInstance, REPO_ROOT } from './lib/mailroom-instance.js';
import { NxdomainDns } from './lib/nxdomain-dns.js';
import { treeCpuSeconds } from './lib/outbound-cpu.js';
import { formatProfileSummary, summarizeCpuProfile } from './lib/outbound-cpu-profile.js';
import { freePort } from './lib/proc.js';

interface Options {
  messages: number;
  sessions: number;
  size: number;
  rounds: number;
  warmup: number;
  rejects: number;
  /** rspamd's normal worker processes; null: the appliance's (provisioning/etc/rspamd/local.d). */
  rspamdWorkers: number | null;
  loadCapMs: number;
  /** Profile both daemons (node --cpu-prof) and write bench/results/filters-profile.txt. */
  cpuProf: boolean;
  keep: boolean;
  write: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { messages: 1000, sessions: 10, size: 4096, rounds: 3, warmup: 100, rejects: 5, rspamdWorkers: null, loadCapMs: 120_000, cpuProf: false, keep: false, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (min: number) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min) throw new Error(`${a} needs a whole number of at least ${min}`);
      return v;
    };
    switch (a) {
      case '--messages': o.messages = num(1); break;
      case '--sessions': o.sessions = num(1); break;
      case '--size': o.size = num(1); break;
      case '--rounds': o.rounds = num(1); break;
      case '--warmup': o.warmup = num(0); break;
      case '--rejects': o.rejects = num(0); break;
      case '--rspamd-workers': o.rspamdWorkers = num(1); break;
      case '--load-cap': o.loadCapMs = num(1) * 1000; break;
      case '--cpu-prof': o.cpuProf = true; break;
      case '--keep': o.keep = true; break;
      case '--no-write': o.write = false; break;
      default: throw new Error(`unknown option ${a} (--messages --sessions --size --rounds --warmup --rejects --rspamd-workers --load-cap --cpu-prof --keep --no-write)`);
    }
  }
  return o;
}

const DOMAIN = 'bench.test';
const USER = 'inbox';
const RCPT = `${USER}@${DOMAIN}`;
const SENDER = 'sender@client.bench.test';

function log(msg: string): void {
  process.stderr.write(`bench filters: ${msg}\n`);
}

const loadAvg = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

interface Side {
  name: 'plain' | 'filtered';
  mr: MailroomInstance;
}

function versionOf(cmd: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const m = pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m?.[1] ?? '?';
}

async function round(side: Side, o: Options, n: number, peers: { rspamd: RspamdFixture; clamd: ClamdFixture }): Promise<FilterRound> {
  const before = side.mr.delivered(USER);
  const logFrom = logSize(side.mr.logFile);
  const cpu = () => ({
    mailroom: treeCpuSeconds(side.mr.pid),
    rspamd: treeCpuSeconds(peers.rspamd.pid ?? null),
    clamd: treeCpuSeconds(peers.clamd.pid ?? null),
  });
  const loadBefore = loadAvg();
  const cpu0 = cpu();
  const label = `${side.name}-r${n}`;
  const res = await runLoad({
    port: side.mr.port, sessions: o.sessions, messages: o.messages, from: SENDER, to: RCPT, capMs: o.loadCapMs,
    message: (i) => dataSection(cleanMessage({ from: SENDER, to: RCPT }, n * 1_000_000 + i, o.size, label)),
  });
  const cpu1 = cpu();
  const delivered = side.mr.delivered(USER) - before;
  const times: CheckTimes = readCheckTimes(side.mr.logFile, logFrom);
  const per1000 = (a: number, b: number) => (res.accepted > 0 ? ((b - a) / res.accepted) * 1000 : NaN);
  return {
    side: side.name, round: n, sessions: o.sessions, messages: o.messages,
    latenciesMs: res.latenciesMs, accepted: res.accepted, refused: res.refused, firstRefusal: res.firstRefusal,
    errors: res.errors, firstError: res.firstError, wallMs: res.wallMs, capped: res.capped, delivered,
    checks: times,
    cpuSecPer1000: { mailroom: per1000(cpu0.mailroom, cpu1.mailroom), rspamd: per1000(cpu0.rspamd, cpu1.rspamd), clamd: per1000(cpu0.clamd, cpu1.clamd) },
    loadBefore, loadAfter: loadAvg(),
  };
}

async function refusals(side: Side, k: number): Promise<RefusalCheck[]> {
  const out: RefusalCheck[] = [];
  const mail = { from: SENDER, to: RCPT };
  for (const [kind, make] of [['GTUBE', gtubeMessage], ['EICAR', eicarBenchMessage]] as const) {
    const replies: Reply[] = [];
    for (let i = 0; i < k; i++) replies.push(await sendOne(side.mr.port, SENDER, RCPT, dataSection(make(mail, i))));
    out.push({ side: side.name, kind, sent: k, refused554: replies.filter((r) => r.code === 554).length, example: replies[0]?.text ?? '' });
  }
  return out;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const missing = rspamdMissing() ?? clamdMissing() ?? NxdomainDns.missing();
  if (missing) throw new Error(missing);
  const started = Date.now();
  const loadStart = loadAvg();
  let rspamd: RspamdFixture | null = null;
  let clamd: ClamdFixture | null = null;
  const dns = new NxdomainDns();
  const sides: Side[] = [];
  const profDirs = new Map<string, string>();
  const stopAll = async () => {
    for (const s of sides) await s.mr.stop(o.keep).catch((e: Error) => log(`stopping ${s.name}: ${e.message}`));
    await Promise.all([rspamd?.cleanup(), clamd?.cleanup(), dns.stop()]).catch((e: Error) => log(`stopping the peers: ${e.message}`));
    for (const d of profDirs.values()) rmSync(d, { recursive: true, force: true });
  };
  const onSignal = () => { void stopAll().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log('starting rspamd with the appliance\'s settings (its DNS: a loopback dnsmasq answering NXDOMAIN) and clamd');
    await dns.start();
    // The appliance's rspamd settings as shipped (the fixture copies provisioning/etc/rspamd/local.d)
    // and none of the tests' Subject rules. The public-suffix list is the fixture's short one:
    // Debian's whole list takes rspamd minutes to compile on a loaded machine, and once compiled
    // Hyperscan matches it in one pass whatever its length.
    [rspamd, clamd] = await Promise.all([RspamdFixture.start({ ...(o.rspamdWorkers ? { normalWorkers: o.rspamdWorkers } : {}), dnsServer: dns.address, testRules: false }), ClamdFixture.start({ streamMaxLength: '10M' })]);
    if (!(await rspamd.hyperscanReady())) log('rspamd has not loaded its Hyperscan database after 120 s; measuring anyway (slower PCRE scans)');
    log(`rspamd ready in ${rspamd.startupMs} ms (${rspamd.url}), clamd in ${clamd.startupMs} ms (${clamd.unixAddress})`);
    const peers = { rspamd, clamd };
    // Listeners other than the MX that later versions add (managesieve, ...) are switched off
    // too: two instances on one machine must not both want a fixed default port.
    const onlyMx = (cfg: Record<string, unknown>) => {
      const listen = (cfg.listen ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(listen)) if (k !== 'smtp') listen[k] = null;
    };
    const filterConfig = (cfg: Record<string, unknown>) => {
      onlyMx(cfg);
      // "defer" when an engine cannot answer: a check that silently did not run would flatter (b).
      cfg.spam = { rspamd: peers.rspamd.url, timeout: 20, onUnavailable: 'defer' };
      cfg.antivirus = { clamd: peers.clamd.unixAddress, timeout: 30, maxScanSize: '10M', onUnavailable: 'defer' };
    };
    for (const name of ['plain', 'filtered'] as const) {
      if (o.cpuProf) profDirs.set(name, mkdtempSync(`/tmp/mailroom-bench-prof-${name}-`));
      const mr = new MailroomInstance({
        port: await freePort(), domain: DOMAIN, users: [USER],
        // MAILROOM_BENCH_BIN runs another build of the CLI (e.g. dist-NAME/cli/main.js).
        ...(process.env.MAILROOM_BENCH_BIN ? { cli: process.env.MAILROOM_BENCH_BIN } : {}),
        configure: name === 'filtered' ? filterConfig : onlyMx,
        ...(profDirs.has(name) ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDirs.get(name)!] } : {}),
      });
      sides.push({ name, mr });
      log(`starting Mailroom (${name}) in ${mr.dir}`);
      await mr.start();
    }
    for (const s of sides) {
      if (o.warmup === 0) continue;
      log(`warming up ${s.name} (${o.warmup} messages)`);
      const w = await runLoad({ port: s.mr.port, sessions: o.sessions, messages: o.warmup, from: SENDER, to: RCPT, capMs: 60_000, message: (i) => dataSection(cleanMessage({ from: SENDER, to: RCPT }, i, o.size, `warmup-${s.name}`)) });
      if (w.accepted !== o.warmup) throw new Error(`${s.name}: warm-up accepted ${w.accepted} of ${o.warmup}: ${w.firstRefusal ?? w.firstError ?? ''}\n${s.mr.tailLog()}`);
    }
    const rounds: FilterRound[] = [];
    for (let n = 1; n <= o.rounds; n++) {
      const order = n % 2 ? sides : [...sides].reverse();
      for (const s of order) {
        log(`round ${n}: ${s.name}, ${o.messages} messages over ${o.sessions} sessions (load ${loadAvg()})`);
        const r = await round(s, o, n, peers);
        rounds.push(r);
        log(`  ${r.accepted} accepted, ${r.refused} refused, ${r.errors} errors, ${(r.accepted / (r.wallMs / 1000)).toFixed(0)} msgs/s`);
      }
    }
    const refused = o.rejects > 0 ? [...(await refusals(sides[1]!, o.rejects)), ...(await refusals(sides[0]!, o.rejects))] : [];
    const md = filterReport({
      rounds, refusals: refused, options: o,
      versions: {
        rspamd: versionOf('/usr/bin/rspamd', ['--version'], /version\s+(\S+)/i),
        clamav: versionOf('/usr/sbin/clamd', ['--version'], /ClamAV\s+([^/\s]+)/),
        node: process.version,
        mailroom: spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout?.trim() || '?',
      },
      load: { before: loadStart, after: loadAvg() },
      peers: { rspamdStartupMs: rspamd.startupMs, clamdStartupMs: clamd.startupMs },
    });
    process.stdout.write('\n' + md + '\n');
    if (o.write) {
      const dir = path.join(REPO_ROOT, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeReport(path.join(dir, 'filters.md'), md);
      const slim = rounds.map(({ latenciesMs: _l, checks, ...r }) => ({ ...r, checks: { messages: checks.messages, outcomes: checks.outcomes } }));
      writeFileSync(path.join(dir, 'filters.json'), JSON.stringify({ options: o, rounds: slim, refusals: refused }, null, 2) + '\n');
      log('wrote bench/results/filters.md and filters.json');
    }
    if (o.cpuProf) {
      // The profile is written when the daemon exits.
      for (const s of sides) await s.mr.stop(o.keep);
      const parts: string[] = [];
      for (const [name, dir] of profDirs) {
        const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        parts.push(`== ${name} ==\n${file ? formatProfileSummary(summarizeCpuProfile(path.join(dir, file), 25)) : '(no profile written)'}`);
      }
      const text = parts.join('\n\n') + '\n';
      process.stdout.write('\n' + text);
      if (o.write) writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'filters-profile.txt'), text);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const bad = rounds.some((r) => r.capped || r.errors > 0 || r.refused > 0 || r.delivered !== r.accepted)
      || refused.some((x) => x.side === 'filtered' && x.refused554 !== x.sent);
    return bad ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (err: Error) => { log(err.stack ?? err.message); process.exitCode = 1; },
);
