// IMAP benchmark: Mailroom against Dovecot 2.3 on the same machine, in one run, on the same
// generated mail (bench/lib/mailbox-generator.ts).
//
// Both servers serve plain IMAP on loopback (no TLS on either side). Dovecot keeps its mail in
// Maildir (files written as an MDA would, indexed by Dovecot at the first SELECT); Mailroom gets
// the same messages through its store's delivery transaction before `mailroom serve` starts.
// Measured, phase by phase (each can be picked with --only):
//   login   LOGIN + LOGOUT per connection, N parallel clients (Dovecot with SHA512-CRYPT and
//           with BLF-CRYPT cost 10, which costs what Mailroom's scrypt costs; each without and
//           with auth_cache; then a new account each login on both sides, at equal hash cost)
//   select  SELECT of the big folder: the first after loading (cold), then fresh sessions (warm)
//   fetch   FETCH 1:* (UID FLAGS) on the big folder
//   search  UID SEARCH TEXT <a word in 1% of the messages> and <a word in none>
//   idle    10,000 clients logged in, INBOX selected, in IDLE: resident memory of the server's
//           processes; then one delivery and how long the watching clients take to hear EXISTS
//
// Usage: node dist/bench/imap.js [--messages N] [--only login,select,fetch,search,idle]
//          [--server dovecot|mailroom] [--idle N] [--idle-per-user K] [--idle-batch B]
//          [--dovecot-idle process|hibernate|both] [--login-clients C] [--logins N]
//          [--repeats R] [--seed S] [--keep] [--no-write] [--data-cache DIR] [--fresh-data]
//
// The generated mail is saved after the first load (imap-data-cache.ts; by default under
// /var/tmp/mailroom-bench-imap-cache) and copied by later runs with the same --messages and
// --seed, which saves most of a full run's time. --fresh-data generates it again.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_AUTH_CACHE, DovecotInstance, raiseInotifyInstances, type DovecotUser } from './lib/dovecot-instance.js';
import { writeMaildir } from './lib/dovecot-maildir-writer.js';
import { dovecotLda, idleProbeMessage, smtpDeliver } from './lib/imap-delivery.js';
import { closeSwarm, openIdleSwarm, timeExistsNotification } from './lib/imap-idle-swarm.js';
import { addMailroomUsers, loadMailroomFolder } from './lib/imap-mailroom-loader.js';
import { DEFAULT_DATA_CACHE, copyTree, saveCopy, savedData } from './lib/imap-data-cache.js';
import { ImapMailroomInstance } from './lib/imap-mailroom-instance.js';
import { fetchAllFlags, loginRate, searchText, selectTimes, type Target } from './lib/imap-measurements.js';
import {
  DOVECOT_BLF, DOVECOT_BLF_CACHED, DOVECOT_BLF_FRESH, DOVECOT_SHA, DOVECOT_SHA_CACHED, MAILROOM_FRESH, MAILROOM_REPEAT, renderImapReport, type ImapResults, type ServerName,
} from './lib/imap-report.js';
import { REPO_ROOT } from './lib/mailroom-instance.js';
import { writeReport } from './lib/results-writer.js';
import { ABSENT_WORD, RARE_WORD, rareWordCount } from './lib/mailbox-generator.js';
import { freePort, memoryOf, processTree, sleep } from './lib/proc.js';

export type Phase = 'login' | 'select' | 'fetch' | 'search' | 'idle';
const PHASES: Phase[] = ['login', 'select', 'fetch', 'search', 'idle'];

export interface ImapBenchOptions {
  messages: number;
  seed: number;
  phases: Phase[];
  servers: ServerName[];
  loginClients: number;
  logins: number;
  repeats: number;
  idle: number;
  idlePerUser: number;
  idleBatch: number;
  /** Users whose clients time the EXISTS notification. */
  idleWatchUsers: number;
  dovecotIdle: ('process' | 'hibernate')[];
  keep: boolean;
  write: boolean;
  /** Where generated mail is kept between runs; null: not kept. */
  dataCache: string | null;
  /** Generate the mail even when a saved copy exists (and save the new one). */
  freshData: boolean;
}

function parseOptions(argv: string[]): ImapBenchOptions {
  const o: ImapBenchOptions = {
    messages: 100_000, seed: 20240102, phases: [...PHASES], servers: ['Dovecot', 'Mailroom'], loginClients: 8, logins: 400, repeats: 5,
    idle: 10_000, idlePerUser: 10, idleBatch: 250, idleWatchUsers: 20, dovecotIdle: ['process', 'hibernate'], keep: false, write: true,
    dataCache: DEFAULT_DATA_CACHE, freshData: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => { const v = Number(argv[++i]); if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`); return v; };
    switch (a) {
      case '--messages': o.messages = num(); break;
      case '--seed': o.seed = num(); break;
      case '--login-clients': o.loginClients = Math.max(1, num()); break;
      case '--logins': o.logins = num(); break;
      case '--repeats': o.repeats = Math.max(1, num()); break;
      case '--idle': o.idle = num(); break;
      case '--idle-per-user': o.idlePerUser = Math.max(1, num()); break;
      case '--idle-batch': o.idleBatch = Math.max(1, num()); break;
      case '--idle-watch-users': o.idleWatchUsers = Math.max(1, num()); break;
      case '--only': {
        const list = (argv[++i] ?? '').split(',').filter(Boolean);
        for (const p of list) if (!PHASES.includes(p as Phase)) throw new Error(`--only takes ${PHASES.join(',')}`);
        o.phases = list as Phase[];
        break;
      }
      case '--server': {
        const v = argv[++i];
        if (v === 'dovecot') o.servers = ['Dovecot']; else if (v === 'mailroom') o.servers = ['Mailroom']; else throw new Error('--server dovecot|mailroom');
        break;
      }
      case '--dovecot-idle': {
        const v = argv[++i];
        if (v === 'process' || v === 'hibernate') o.dovecotIdle = [v];
        else if (v === 'both') o.dovecotIdle = ['process', 'hibernate'];
        else throw new Error('--dovecot-idle process|hibernate|both');
        break;
      }
      case '--keep': o.keep = true; break;
      case '--no-write': o.write = false; break;
      case '--data-cache': { const v = argv[++i]; if (!v) throw new Error('--data-cache needs a directory (or "none")'); o.dataCache = v === 'none' ? null : v; break; }
      case '--fresh-data': o.freshData = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

const DOMAIN = 'bench.test';
const BIG = `big@${DOMAIN}`;
const PASSWORD = 'Bench!Heliotrope-Quartz-77';
const log = (msg: string) => process.stderr.write(`bench-imap: ${msg}\n`);

/** One way of logging in, measured as its own row. */
interface LoginVariant {
  label: string;
  /** Login n uses accounts[n % length]; fresh: each round takes its own half, each logs in once. */
  accounts: string[];
  fresh?: boolean;
  /** Cheap per login (SHA512-CRYPT, a cache hit): twice as many logins for a steadier rate. */
  cheap?: boolean;
  /** Puts the server in this variant's configuration (Dovecot: auth_cache on or off). */
  prepare?: () => Promise<void>;
}

interface Side {
  name: ServerName;
  target: Target;
  pid: () => number | null;
  loginUsers: LoginVariant[];
  /** Back to the server's default configuration after the login phase (Dovecot: auth_cache off). */
  afterLogins?: () => Promise<void>;
  /** One new message into each user's INBOX; resolves with when each copy was acknowledged. */
  deliver: (users: string[]) => Promise<Map<string, bigint>>;
  /** Dovecot only: switch IDLE hibernation (s, 0 = off). */
  setHibernation?: (seconds: number) => Promise<void>;
}

function memory(pid: number | null): { rss: number; pss: number; procs: number } {
  if (pid === null) return { rss: 0, pss: 0, procs: 0 };
  let rss = 0;
  let pss = 0;
  const tree = processTree(pid);
  for (const p of tree) { const m = memoryOf(p.pid); rss += m.rss; pss += m.pss; }
  return { rss, pss, procs: tree.length };
}

/** Median of three samples a second apart. */
async function settledMemory(pid: number | null): Promise<{ rss: number; pss: number; procs: number }> {
  const samples = [];
  for (let i = 0; i < 3; i++) { if (i) await sleep(1000); samples.push(memory(pid)); }
  samples.sort((a, b) => a.rss - b.rss);
  return samples[1]!;
}

/** Accounts for the login variants without cache hits: one per login of both rounds. */
const freshLoginUsers = (o: ImapBenchOptions, prefix = 'login') => Array.from({ length: 2 * o.logins }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}@${DOMAIN}`);

const idleUsers = (o: ImapBenchOptions) => Array.from({ length: Math.ceil(o.idle / o.idlePerUser) }, (_, i) => `idle-${String(i).padStart(5, '0')}@${DOMAIN}`);

/** Starts a server; one that fails to start is stopped (its process and files) before the error goes on. */
async function startOrStop(inst: { start(): Promise<void>; stop(keep?: boolean): Promise<void> }, keep: boolean): Promise<void> {
  try {
    await inst.start();
  } catch (err) {
    await inst.stop(keep).catch(() => undefined);
    throw err;
  }
}

async function prepareDovecot(o: ImapBenchOptions, needMail: boolean, notes: string[]): Promise<{ inst: DovecotInstance; side: Side }> {
  const users: DovecotUser[] = [
    { name: BIG, password: PASSWORD, scheme: 'SHA512-CRYPT' },
    { name: `login-sha@${DOMAIN}`, password: PASSWORD, scheme: 'SHA512-CRYPT' },
    { name: `login-blf@${DOMAIN}`, password: PASSWORD, scheme: 'BLF-CRYPT', rounds: 10 },
    ...(o.phases.includes('login') ? freshLoginUsers(o, 'login-blf').map((name) => ({ name, password: PASSWORD, scheme: 'BLF-CRYPT', rounds: 10 })) : []),
    ...(o.phases.includes('idle') ? idleUsers(o).map((name) => ({ name, password: PASSWORD, scheme: 'SHA512-CRYPT' })) : []),
  ];
  const inst = new DovecotInstance({ port: await freePort(), users, maxConnections: Math.max(o.idle, o.loginClients) + 100, hibernateAfter: 0 });
  inst.prepare();
  if (needMail) {
    const saved = o.dataCache ? savedData(o.dataCache, 'dovecot', o.messages, o.seed) : null;
    if (saved?.present && !o.freshData) {
      log(`Dovecot: copying the Maildir saved by an earlier run (${saved.dir})`);
      await copyTree(saved.dir, inst.maildir(BIG));
      notes.push(`Dovecot's Maildir: copied from ${saved.dir} (written by an earlier run, ${saved.meta?.createdAt ?? '?'}; not yet indexed by Dovecot).`);
    } else {
      log(`Dovecot: writing ${o.messages} messages into ${inst.maildir(BIG)}`);
      const t0 = Date.now();
      await writeMaildir({ maildir: inst.maildir(BIG), seed: o.seed, count: o.messages, recipient: BIG, onProgress: (n) => { if (n % 20000 === 0) log(`  Dovecot: ${n} written`); } });
      log(`Dovecot: Maildir written in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      if (saved) {
        await saveCopy(inst.maildir(BIG), saved, Date.now() - t0);
        log(`Dovecot: Maildir saved for later runs in ${saved.dir}`);
      }
    }
  }
  inst.chownHomes();
  await startOrStop(inst, o.keep);
  const side: Side = {
    name: 'Dovecot',
    target: { name: 'Dovecot', port: inst.port },
    pid: () => inst.pid,
    // Dovecot's default first (no auth_cache), then with it: the same account again and again,
    // and a new account each login (every one a cache miss, as for Mailroom's fresh accounts).
    loginUsers: [
      { label: DOVECOT_SHA, accounts: [`login-sha@${DOMAIN}`], cheap: true, prepare: () => inst.setAuthCache(null) },
      { label: DOVECOT_BLF, accounts: [`login-blf@${DOMAIN}`], prepare: () => inst.setAuthCache(null) },
      { label: DOVECOT_SHA_CACHED, accounts: [`login-sha@${DOMAIN}`], cheap: true, prepare: () => inst.setAuthCache(BENCH_AUTH_CACHE) },
      { label: DOVECOT_BLF_CACHED, accounts: [`login-blf@${DOMAIN}`], prepare: () => inst.setAuthCache(BENCH_AUTH_CACHE) },
      ...(o.phases.includes('login') ? [{ label: DOVECOT_BLF_FRESH, accounts: freshLoginUsers(o, 'login-blf'), fresh: true, prepare: () => inst.setAuthCache(BENCH_AUTH_CACHE) }] : []),
    ],
    deliver: async (rcpts) => {
      const acked = new Map<string, bigint>();
      await Promise.all(rcpts.map(async (u, n) => { await dovecotLda(inst.confFile, u, idleProbeMessage(u, n)); acked.set(u, process.hrtime.bigint()); }));
      return acked;
    },
    afterLogins: () => inst.setAuthCache(null),
    setHibernation: (s) => inst.setHibernation(s),
  };
  return { inst, side };
}

async function prepareMailroom(o: ImapBenchOptions, needMail: boolean, notes: string[]): Promise<{ inst: ImapMailroomInstance; side: Side; loadMs: number }> {
  const inst = new ImapMailroomInstance({ imapPort: await freePort(), smtpPort: await freePort(), domain: DOMAIN, users: [BIG, `login@${DOMAIN}`], password: PASSWORD, maxConnections: Math.max(o.idle, o.loginClients) + 100 });
  let loadMs = 0;
  // The saved copy holds the accounts and the big folder only; IDLE's accounts come after.
  const saved = needMail && o.dataCache ? savedData(o.dataCache, 'mailroom', o.messages, o.seed) : null;
  if (saved?.present && !o.freshData) {
    log(`Mailroom: copying the data directory saved by an earlier run (${saved.dir})`);
    await inst.adoptTemplate(saved.dir);
    loadMs = saved.meta?.loadMs ?? 0;
    notes.push(`Mailroom's data: copied from ${saved.dir} (loaded by an earlier run, ${saved.meta?.createdAt ?? '?'}, never opened by \`mailroom serve\`).`);
  } else {
    await inst.setup();
    if (needMail) {
      log(`Mailroom: delivering ${o.messages} messages through the store`);
      const r = await loadMailroomFolder({ dataDir: inst.dir, address: BIG, seed: o.seed, count: o.messages, onProgress: (n) => { if (n % 20000 === 0) log(`  Mailroom: ${n} delivered`); } });
      loadMs = r.ms;
      log(`Mailroom: ${r.messages} messages (${(r.bytes / 1048576).toFixed(0)} MiB) in ${(r.ms / 1000).toFixed(0)} s`);
      if (saved) {
        await saveCopy(inst.dir, saved, loadMs);
        log(`Mailroom: data directory saved for later runs in ${saved.dir}`);
      }
    }
  }
  if (o.phases.includes('idle')) {
    const users = idleUsers(o);
    log(`Mailroom: adding ${users.length} accounts for the IDLE phase`);
    await addMailroomUsers({ dataDir: inst.dir, addresses: users, password: PASSWORD });
  }
  const fresh = o.phases.includes('login') ? freshLoginUsers(o) : [];
  if (fresh.length > 0) {
    log(`Mailroom: adding ${fresh.length} accounts that each log in once (no verified-credential cache hit)`);
    await addMailroomUsers({ dataDir: inst.dir, addresses: fresh, password: PASSWORD });
  }
  await startOrStop(inst, o.keep);
  const side: Side = {
    name: 'Mailroom',
    target: { name: 'Mailroom', port: inst.port },
    pid: () => inst.pid,
    // The same account again and again, as on Dovecot's side: from the second login on, the
    // verified-credential cache (mail/auth/credential-cache.ts, on by default) answers. Then
    // an account per login, every password checked with scrypt, for the cost without it.
    loginUsers: [{ label: MAILROOM_REPEAT, accounts: [`login@${DOMAIN}`], cheap: true }, ...(fresh.length > 0 ? [{ label: MAILROOM_FRESH, accounts: fresh, fresh: true }] : [])],
    deliver: async (rcpts) => {
      await smtpDeliver(inst.opts.smtpPort, 'probe@client.bench.test', rcpts, idleProbeMessage(rcpts.join(', '), 0));
      const at = process.hrtime.bigint();
      return new Map(rcpts.map((u) => [u, at]));
    },
  };
  return { inst, side, loadMs };
}

/** Runs one measurement; a failure is noted in the report and the benchmark goes on. */
async function attempt(results: ImapResults, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0]!.slice(0, 400);
    log(`FAILED: ${what}: ${msg}`);
    results.notes.push(`${what} failed: ${msg}`);
    results.failed = true;
  }
}

async function runPhases(o: ImapBenchOptions, sides: Side[], results: ImapResults): Promise<void> {
  const folder = 'INBOX';
  if (o.phases.includes('select')) {
    for (const s of sides) await attempt(results, `${s.name} SELECT`, async () => {
      log(`${s.name}: SELECT ${folder} (${o.messages} messages), first after loading then ${o.repeats} fresh sessions`);
      const r = await selectTimes(s.target, { user: BIG, password: PASSWORD, folder, repeats: o.repeats + 1, expect: o.messages });
      results.select[s.name] = { coldMs: r.ms[0]!, warmMs: r.ms.slice(1) };
      log(`  cold ${r.ms[0]!.toFixed(0)} ms, warm ${r.ms.slice(1).map((x) => x.toFixed(0)).join(' ')} ms`);
    });
  }
  if (o.phases.includes('fetch')) {
    for (const s of sides) await attempt(results, `${s.name} FETCH`, async () => {
      log(`${s.name}: FETCH 1:* (UID FLAGS) × ${o.repeats}`);
      const r = await fetchAllFlags(s.target, { user: BIG, password: PASSWORD, folder, repeats: o.repeats, expect: o.messages });
      results.fetch[s.name] = r;
      log(`  ${r.ms.map((x) => x.toFixed(0)).join(' ')} ms (${r.detail})`);
    });
  }
  if (o.phases.includes('search')) {
    for (const s of sides) {
      for (const [key, word, expect] of [['rare', RARE_WORD, rareWordCount(o.messages)], ['absent', ABSENT_WORD, 0]] as const) {
        await attempt(results, `${s.name} SEARCH TEXT ${word}`, async () => {
          // Dovecot reads every message file for this (about a minute per search here): two runs.
          const repeats = Math.max(1, Math.min(2, o.repeats));
          log(`${s.name}: UID SEARCH TEXT ${word} × ${repeats} (expect ${expect})`);
          const r = await searchText(s.target, { user: BIG, password: PASSWORD, folder, word, repeats, expect });
          results.search[key][s.name] = r;
          log(`  ${r.ms.map((x) => x.toFixed(0)).join(' ')} ms`);
        });
      }
    }
  }
  if (o.phases.includes('login')) {
    // Twice each, order alternating, so drift of the machine does not favour one side.
    for (let round = 0; round < 2; round++) {
      for (const s of round ? [...sides].reverse() : sides) {
        for (const { label, accounts, fresh, cheap, prepare } of s.loginUsers) {
          const total = cheap ? o.logins * 2 : o.logins;
          // A fresh account per login: this round takes its own half, so none was logged in before.
          const users = fresh ? accounts.slice(round * o.logins, (round + 1) * o.logins) : accounts;
          await prepare?.();
          log(`${s.name} (${label}): ${total} × LOGIN+LOGOUT over ${o.loginClients} clients, ${users.length} account(s), round ${round + 1}`);
          const r = await loginRate(s.target, { users, password: PASSWORD, clients: o.loginClients, total, capMs: 120000 });
          (results.login[`${s.name}|${label}`] ??= []).push(r);
          log(`  ${r.perSecond.toFixed(1)} logins/s${r.failures ? `, ${r.failures} failures (${r.firstFailure})` : ''}`);
          if (r.failures) { results.failed = true; results.notes.push(`${s.name} login (${label}): ${r.failures} failures, first: ${r.firstFailure}`); }
        }
      }
    }
    for (const s of sides) await s.afterLogins?.();
  }
  if (o.phases.includes('idle')) {
    const users = idleUsers(o);
    for (const s of sides) {
      const variants: ('process' | 'hibernate' | 'mailroom')[] = s.name === 'Dovecot' ? o.dovecotIdle : ['mailroom'];
      for (const variant of variants) await attempt(results, `${s.name} IDLE (${variant})`, async () => {
        const key = s.name === 'Dovecot' ? `Dovecot|${variant}` : 'Mailroom';
        if (s.setHibernation) await s.setHibernation(variant === 'hibernate' ? 2 : 0);
        const before = await settledMemory(s.pid());
        log(`${key}: opening ${o.idle} IDLE clients over ${users.length} accounts, ${o.idleBatch} at a time (server at ${(before.rss / 1048576).toFixed(0)} MiB RSS)`);
        const swarm = await openIdleSwarm({
          port: s.target.port, users, password: PASSWORD, total: o.idle, batch: o.idleBatch, capMs: 20 * 60_000,
          onProgress: (n, f) => { if (n % 2000 < o.idleBatch) log(`  ${n} idling${f ? `, ${f} failed` : ''}, server ${(memory(s.pid()).rss / 1048576).toFixed(0)} MiB RSS`); },
        });
        log(`  ${swarm.clients.length} idling after ${swarm.seconds.toFixed(0)} s${swarm.failures ? `, ${swarm.failures} failed (${swarm.firstFailure})` : ''}`);
        // Let hibernation (Dovecot) or any lazy cleanup settle before measuring.
        await sleep(variant === 'hibernate' ? 8000 : 3000);
        const held = await settledMemory(s.pid());
        log(`  holding them: ${(held.rss / 1048576).toFixed(0)} MiB RSS, ${(held.pss / 1048576).toFixed(0)} MiB PSS in ${held.procs} processes`);
        try {
        const watchUsers = users.slice(0, Math.min(o.idleWatchUsers, users.length));
        const watchers = swarm.clients.filter((c) => watchUsers.includes(c.user));
        const notify = await timeExistsNotification({ watchers, deliver: () => s.deliver(watchUsers), capMs: 60000 });
        log(`  EXISTS heard by ${notify.latenciesMs.length} of ${watchers.length} watching clients (delivery took ${notify.deliveryMs.toFixed(0)} ms)`);
        results.idle[key] = {
          requested: o.idle, open: swarm.clients.length, failures: swarm.failures, firstFailure: swarm.firstFailure, openSeconds: swarm.seconds,
          otherContinuations: [...swarm.otherContinuations].slice(0, 3),
          before, held, existsMs: notify.latenciesMs, existsAfterAckMs: notify.afterAckMs, missed: notify.missed, watchers: watchers.length, deliveryMs: notify.deliveryMs,
        };
        } finally {
          await closeSwarm(swarm.clients);
        }
        // Give the server time to notice the closed sockets before the next measurement.
        const deadline = Date.now() + 60000;
        while (Date.now() < deadline && memory(s.pid()).procs > before.procs + 5) await sleep(1000);
        await sleep(2000);
      });
      if (s.setHibernation) await s.setHibernation(0);
    }
  }
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadBefore = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  let dovecot: DovecotInstance | null = null;
  let mailroom: ImapMailroomInstance | null = null;
  let restoreInotify = () => undefined as void;
  const cleanupSync = () => { restoreInotify(); if (!o.keep) { dovecot?.stopSync(); mailroom?.stopSync(); } };
  const onSignal = (sig: NodeJS.Signals) => { cleanupSync(); process.kill(process.pid, sig); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Backstop for a crash outside the awaited code (an exception in a socket callback).
  process.once('exit', cleanupSync);
  const needMail = o.phases.some((p) => p === 'select' || p === 'fetch' || p === 'search');
  const results: ImapResults = { options: o, login: {}, select: {}, fetch: {}, search: { rare: {}, absent: {} }, idle: {}, load: {}, notes: [] };
  try {
    if (o.servers.includes('Dovecot') && o.phases.includes('idle')) {
      restoreInotify = raiseInotifyInstances(o.idle + 1000);
    }
    const sides: Side[] = [];
    // Both loads at once: they are set-up, not measured, and this halves the wait.
    // allSettled: when one side fails to start, the other (already running) is still stopped below.
    const [dr, mr] = await Promise.allSettled([
      o.servers.includes('Dovecot') ? prepareDovecot(o, needMail, results.notes) : Promise.resolve(null),
      o.servers.includes('Mailroom') ? prepareMailroom(o, needMail, results.notes) : Promise.resolve(null),
    ]);
    const d = dr.status === 'fulfilled' ? dr.value : null;
    const m = mr.status === 'fulfilled' ? mr.value : null;
    if (d) { dovecot = d.inst; sides.push(d.side); }
    if (m) { mailroom = m.inst; sides.push(m.side); results.load.Mailroom = m.loadMs; }
    if (dr.status === 'rejected') throw dr.reason;
    if (mr.status === 'rejected') throw mr.reason;
    await runPhases(o, sides, results);
    const loadNow = os.loadavg()[0]!;
    if (loadNow > os.cpus().length || Number(loadBefore.split(' ')[0]) > os.cpus().length) {
      results.notes.push(`Other work shared the machine (load average ${loadBefore} at the start, ${loadNow.toFixed(1)} at the end, ${os.cpus().length} cores): absolute figures are noisy; the two servers were measured minutes apart under the same conditions.`);
    }
    if (dovecot) {
      // Distinct warnings only: the same one for many clients differs in time, user and session.
      const seen = new Map<string, number>();
      for (const l of dovecot.warnings()) {
        if (/Killed with signal|SIGHUP received/.test(l)) continue;
        const key = l.replace(/^\w{3} +\d+ [\d:]+ /, '').replace(/\([^)]*@[^)]*\)/g, '(…)').replace(/<[^>]*>/g, '');
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      for (const [text, n] of [...seen].slice(0, 10)) results.notes.push(`Dovecot log${n > 1 ? ` (${n}×)` : ''}: ${text}`);
    }
    results.dovecotConfig = dovecot?.config();
    const md = renderImapReport(results, { loadBefore, loadAfter: os.loadavg().map((x) => x.toFixed(1)).join(' '), seconds: (Date.now() - started) / 1000 });
    process.stdout.write('\n' + md + '\n');
    if (o.write) {
      const dir = path.join(REPO_ROOT, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeReport(path.join(dir, 'imap.md'), md);
      writeFileSync(path.join(dir, 'imap.json'), JSON.stringify(results, null, 2) + '\n');
      log('wrote bench/results/imap.md and imap.json');
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return results.failed ? 1 : 0;
  } finally {
    if (dovecot) await dovecot.stop(o.keep).catch((e: Error) => log(`stopping Dovecot: ${e.message}`));
    if (mailroom) await mailroom.stop(o.keep).catch((e: Error) => log(`stopping Mailroom: ${e.message}`));
    dovecot = null;
    mailroom = null;
    restoreInotify();
  }
}

main().then(
  (code) => { process.exitCode = code; },
  (err: Error) => { log(err.stack ?? err.message); process.exitCode = 1; },
);
