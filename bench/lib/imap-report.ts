// Renders the IMAP benchmark's results as a markdown table: Dovecot and Mailroom side by side,
// the ratio Mailroom/Dovecot and the target each figure is held to.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { LoginRateResult, TimedResult } from './imap-measurements.js';
import { REPO_ROOT } from './mailroom-instance.js';
import { quantile } from './smtp-probe.js';

export type ServerName = 'Dovecot' | 'Mailroom';

interface Mem { rss: number; pss: number; procs: number }

export interface IdleResult {
  requested: number;
  open: number;
  failures: number;
  firstFailure: string | null;
  openSeconds: number;
  otherContinuations: string[];
  before: Mem;
  held: Mem;
  existsMs: number[];
  /** From the watcher's own user's copy being acknowledged. */
  existsAfterAckMs: number[];
  missed: number;
  watchers: number;
  deliveryMs: number;
}

export interface ImapResults {
  options: {
    messages: number; seed: number; phases: string[]; loginClients: number; logins: number; repeats: number;
    idle: number; idlePerUser: number; idleWatchUsers: number; dovecotIdle: string[];
  };
  /** Key "Server|scheme": one result per round. */
  login: Record<string, LoginRateResult[]>;
  select: Partial<Record<ServerName, { coldMs: number; warmMs: number[] }>>;
  fetch: Partial<Record<ServerName, TimedResult>>;
  search: { rare: Partial<Record<ServerName, TimedResult>>; absent: Partial<Record<ServerName, TimedResult>> };
  /** Key "Dovecot|process", "Dovecot|hibernate" or "Mailroom". */
  idle: Record<string, IdleResult>;
  load: Partial<Record<ServerName, number>>;
  /** Phases that failed, and other things the reader must know. */
  notes: string[];
  /** Some measurement failed (the run exits non-zero). */
  failed?: boolean;
  dovecotConfig?: string;
  /** The Mailroom build measured (commit, "+changes" for a dirty tree), fixed at the run. */
  mailroomVersion?: string;
}

const median = (xs: number[]): number => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};
const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const mib = (b: number) => (b > 0 ? `${(b / 1048576).toFixed(0)} MiB` : 'n/a');
const ratio = (m: number, d: number) => {
  if (!Number.isFinite(m) || !Number.isFinite(d) || d <= 0) return 'n/a';
  const r = m / d;
  // Two decimals, but small ratios keep two significant digits (0.0018×, not 0.00×).
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
};

function dovecotVersion(): string {
  return spawnSync('dovecot', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[0] || '?';
}

/** The commit, marked "+changes" when the tree measured had uncommitted changes. */
function mailroomVersion(): string {
  try {
    const head = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || '?';
    const dirty = spawnSync('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout.trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return '?';
  }
}

interface Row { label: string; dovecot: number; mailroom: number; show: (x: number) => string; lowerIsBetter: boolean; target?: (m: number, d: number) => string }

/** "✓" when Mailroom is at least Dovecot's (with 5% noise allowance), else "✗". */
const atLeastDovecot = (lowerIsBetter: boolean) => (m: number, d: number) => {
  if (!Number.isFinite(m) || !Number.isFinite(d)) return 'n/a';
  const ok = lowerIsBetter ? m <= d * 1.05 : m >= d * 0.95;
  return `${ok ? '✓' : '✗'} ≥ Dovecot`;
};

/** Mailroom's login variants (bench/imap.ts). */
export const MAILROOM_REPEAT = 'scrypt ln=14, credential cache';
export const MAILROOM_FRESH = 'scrypt ln=14, new account each login';
/** Dovecot's login variants (bench/imap.ts): without auth_cache (its default), with it, new accounts. */
export const DOVECOT_SHA = 'SHA512-CRYPT';
export const DOVECOT_BLF = 'BLF-CRYPT cost 10';
export const DOVECOT_SHA_CACHED = 'SHA512-CRYPT, auth_cache';
export const DOVECOT_BLF_CACHED = 'BLF-CRYPT cost 10, auth_cache';
export const DOVECOT_BLF_FRESH = 'BLF-CRYPT cost 10, auth_cache, new account each login';

export function renderImapReport(r: ImapResults, run: { loadBefore: string; loadAfter: string; seconds: number }): string {
  const o = r.options;
  const rows: Row[] = [];
  const loginOf = (key: string) => median((r.login[key] ?? []).map((x) => x.perSecond));
  const loginP50 = (key: string) => median((r.login[key] ?? []).map((x) => quantile(x.latenciesMs, 0.5)));
  // Like with like first: the same account again and again with both servers' caches on, then
  // each server's default (Dovecot without auth_cache), then a new account each login on both
  // sides (no cache hit anywhere) at equal hash cost, then Mailroom's new accounts against
  // Dovecot's cheap default hash.
  const loginRows: [string, string, string][] = [
    [`same account each login, both caches on (Dovecot ${DOVECOT_SHA} + auth_cache 10M/10 min vs Mailroom ${MAILROOM_REPEAT})`, DOVECOT_SHA_CACHED, MAILROOM_REPEAT],
    [`same account each login, both caches on (Dovecot ${DOVECOT_BLF} + auth_cache 10M/10 min vs Mailroom ${MAILROOM_REPEAT})`, DOVECOT_BLF_CACHED, MAILROOM_REPEAT],
    [`same account each login, each server's default (Dovecot ${DOVECOT_SHA}, no auth_cache vs Mailroom ${MAILROOM_REPEAT})`, DOVECOT_SHA, MAILROOM_REPEAT],
    [`same account each login, each server's default (Dovecot ${DOVECOT_BLF}, no auth_cache vs Mailroom ${MAILROOM_REPEAT})`, DOVECOT_BLF, MAILROOM_REPEAT],
    [`a new account each login, no cache hit, equal hash cost (Dovecot ${DOVECOT_BLF} + auth_cache vs Mailroom scrypt ln=14)`, DOVECOT_BLF_FRESH, MAILROOM_FRESH],
    [`Mailroom a new account each login (scrypt ln=14) vs Dovecot ${DOVECOT_SHA} without auth_cache (a 4 ms hash, the same cost for any account)`, DOVECOT_SHA, MAILROOM_FRESH],
  ];
  for (const [what, dovecotKey, mailroomKey] of loginRows) {
    const d = `Dovecot|${dovecotKey}`;
    const m = `Mailroom|${mailroomKey}`;
    if (!r.login[d] && !r.login[m]) continue;
    rows.push({ label: `Logins/s, LOGIN+LOGOUT per connection, ${o.loginClients} clients, ${what}`, dovecot: loginOf(d), mailroom: loginOf(m), show: (x) => fmt(x, 1), lowerIsBetter: false, target: atLeastDovecot(false) });
    rows.push({ label: '  connect → LOGIN OK p50 (ms)', dovecot: loginP50(d), mailroom: loginP50(m), show: (x) => fmt(x, 1), lowerIsBetter: true });
  }
  if (r.select.Dovecot || r.select.Mailroom) {
    rows.push({ label: `SELECT of ${o.messages.toLocaleString('en')} messages, first after loading (ms)`, dovecot: r.select.Dovecot?.coldMs ?? NaN, mailroom: r.select.Mailroom?.coldMs ?? NaN, show: (x) => fmt(x), lowerIsBetter: true });
    rows.push({ label: `SELECT of ${o.messages.toLocaleString('en')} messages, warm, fresh session, median of ${o.repeats} (ms)`, dovecot: median(r.select.Dovecot?.warmMs ?? []), mailroom: median(r.select.Mailroom?.warmMs ?? []), show: (x) => fmt(x), lowerIsBetter: true, target: (m) => (Number.isFinite(m) ? `${m < 200 ? '✓' : '✗'} < 200 ms` : 'n/a') });
  }
  if (r.fetch.Dovecot || r.fetch.Mailroom) {
    rows.push({ label: `FETCH 1:* (UID FLAGS), median of ${o.repeats} (ms)`, dovecot: median(r.fetch.Dovecot?.ms ?? []), mailroom: median(r.fetch.Mailroom?.ms ?? []), show: (x) => fmt(x), lowerIsBetter: true, target: atLeastDovecot(true) });
  }
  for (const [key, what] of [['rare', 'a word in 1% of the messages'], ['absent', 'a word in none']] as const) {
    const s = r.search[key];
    if (!s.Dovecot && !s.Mailroom) continue;
    rows.push({ label: `UID SEARCH TEXT, ${what}, median (ms)`, dovecot: median(s.Dovecot?.ms ?? []), mailroom: median(s.Mailroom?.ms ?? []), show: (x) => fmt(x), lowerIsBetter: true, target: atLeastDovecot(true) });
  }
  const m = r.idle.Mailroom;
  for (const variant of ['process', 'hibernate']) {
    const d = r.idle[`Dovecot|${variant}`];
    if (!d && !(m && variant === 'process')) continue;
    const vtext = variant === 'process' ? 'Dovecot: one imap process per client' : 'Dovecot: imap_hibernate_timeout = 2s';
    rows.push({ label: `${o.idle.toLocaleString('en')} clients in IDLE, server RSS summed (${vtext})`, dovecot: d?.held.rss ?? NaN, mailroom: m?.held.rss ?? NaN, show: mib, lowerIsBetter: true, target: (mm) => (Number.isFinite(mm) ? `${mm < 400 * 1048576 ? '✓' : '✗'} < 400 MB` : 'n/a') });
    rows.push({ label: `  PSS summed (${vtext})`, dovecot: d?.held.pss ?? NaN, mailroom: m?.held.pss ?? NaN, show: mib, lowerIsBetter: true });
    rows.push({ label: `  RSS per idle client above the idle server, KiB (${vtext})`, dovecot: d ? (d.held.rss - d.before.rss) / Math.max(1, d.open) / 1024 : NaN, mailroom: m ? (m.held.rss - m.before.rss) / Math.max(1, m.open) / 1024 : NaN, show: (x) => fmt(x, 0), lowerIsBetter: true });
    rows.push({ label: `  delivery → EXISTS at the watching clients, p50 (ms) (${vtext})`, dovecot: d ? quantile(d.existsMs, 0.5) : NaN, mailroom: m ? quantile(m.existsMs, 0.5) : NaN, show: (x) => fmt(x), lowerIsBetter: true, target: atLeastDovecot(true) });
    rows.push({ label: `  delivery → EXISTS, p99 (ms) (${vtext})`, dovecot: d ? quantile(d.existsMs, 0.99) : NaN, mailroom: m ? quantile(m.existsMs, 0.99) : NaN, show: (x) => fmt(x), lowerIsBetter: true });
    rows.push({ label: `  delivery acknowledged → EXISTS, p50 (ms) (${vtext})`, dovecot: d ? quantile(d.existsAfterAckMs, 0.5) : NaN, mailroom: m ? quantile(m.existsAfterAckMs, 0.5) : NaN, show: (x) => fmt(x), lowerIsBetter: true });
  }
  const dv = dovecotVersion();
  const mv = (r.mailroomVersion ??= mailroomVersion());
  const table = [
    `| IMAP, ${o.messages.toLocaleString('en')}-message folder | Dovecot ${dv} | Mailroom ${mv} | Mailroom / Dovecot | target |`,
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row.label} | ${row.show(row.dovecot)} | ${row.show(row.mailroom)} | ${ratio(row.mailroom, row.dovecot)} | ${row.target ? row.target(row.mailroom, row.dovecot) : ''} |`),
  ];
  const idleLines = Object.entries(r.idle).map(([k, v]) => `| ${k} | ${v.open} / ${v.requested}${v.failures ? ` (${v.failures} failed: ${v.firstFailure})` : ''} | ${fmt(v.openSeconds)} s | ${mib(v.before.rss)} / ${mib(v.before.pss)} (${v.before.procs} proc) | ${mib(v.held.rss)} / ${mib(v.held.pss)} (${v.held.procs} proc) | ${v.existsMs.length} of ${v.watchers}${v.missed ? `, ${v.missed} missed` : ''} | ${fmt(v.deliveryMs)} ms | ${v.otherContinuations.join('; ')} |`);
  const loginLines = Object.entries(r.login).map(([k, rs]) => `| ${k.replace('|', ' ')} | ${rs.map((x) => `${fmt(x.perSecond, 1)}/s (${x.logins} in ${fmt(x.seconds, 1)} s${x.failures ? `, ${x.failures} failed: ${x.firstFailure}` : ''})`).join('; ')} |`);
  const cpu = os.cpus()[0]?.model ?? '?';
  return [
    '### IMAP: Mailroom vs Dovecot',
    '',
    ...table,
    '',
    `One run on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${fmt(run.seconds)} s; load average ${run.loadBefore} before, ${run.loadAfter} after. Lower is better for times and memory, higher for logins/s; "✓ ≥ Dovecot" allows 5% noise.`,
    `Mail: ${o.messages.toLocaleString('en')} generated messages (seed ${o.seed}; 2–20 KB, 40% multipart, UTF-8 text with Vietnamese words) in one INBOX, the same bytes on both sides. Dovecot: Maildir files written as an MDA leaves them (cur/, flags in the name, S= and W= sizes), indexed by Dovecot at the first SELECT. Mailroom: delivered through its store's delivery transaction (durable, group-committed) before \`mailroom serve\` started${r.load.Mailroom ? ` (${fmt(r.load.Mailroom / 1000)} s)` : ''}.`,
    'Both plain IMAP on 127.0.0.1 (Dovecot ssl = no; Mailroom auth.allowInsecure). Times are command written → tagged OK read, by a raw client (bench/lib/imap-probe.ts) that checks the answers: EXISTS count, one FETCH response per message, the exact number of search hits.',
    'Password hashing: Mailroom stores scrypt (N=2^14, r=8, p=1, about 60 ms per check here). Dovecot is measured with SHA512-CRYPT (5000 rounds, about 4 ms: a common Debian choice) and with BLF-CRYPT cost 10 (about 60 ms: the same cost as Mailroom). Logins: "same account" rows log one account in again and again (a phone reconnecting does this). Mailroom keeps its verified-credential cache on (its default: 10 min, mail/auth/credential-cache.ts), so after the first login it checks an HMAC, not scrypt. Dovecot is measured without auth_cache (auth_cache_size = 0, its default) and with auth_cache_size = 10M, auth_cache_ttl = 600s (a reload between variants, which empties the cache); a Dovecot cache hit skips the passdb lookup but still checks the password against the cached hash (src/auth/passdb-cache.c), in the auth process (auth_cache_verify_password_with_worker = no, the default, as without the cache). "New account each login" rows log a different, never-before-seen account in each time on both sides (Dovecot: BLF-CRYPT cost 10 accounts with auth_cache on, every login a cache miss; Mailroom: every password checked with scrypt).',
    ...(idleLines.length === 0 ? [] : [`IDLE: ${o.idle.toLocaleString('en')} clients over ${Math.ceil(o.idle / o.idlePerUser)} accounts (${o.idlePerUser} each, empty INBOX), opened ${'in batches'}: connect, LOGIN, SELECT INBOX, IDLE, each waiting for its "+" continuation. Memory = /proc after they are all idling (median of 3 samples 1 s apart): the \`mailroom serve\` process; for Dovecot the master and every child (imap, imap-login, auth, anvil, imap-hibernate, …); summed RSS counts shared pages once per process, PSS splits them. Then one message is delivered to the first ${o.idleWatchUsers} accounts (Mailroom: one SMTP transaction to its MX; Dovecot: dovecot-lda per account) and each of their clients times the delivery's start → its "* N EXISTS", and its own account's copy being acknowledged (250 after DATA; dovecot-lda's exit) → EXISTS (negative: the client heard before the sender was told).`]),
    'Mailroom\'s SELECT: the first one reads every message\'s UID, MODSEQ and flags from SQLite into a table the daemon keeps for the folder (mail/store/sqlite/folder-table-cache.ts); a later SELECT, from any session, reads the folder\'s row and only the messages changed since (none here). Dovecot reads its index files.',
    'Dovecot settings beyond its defaults: mail_location = maildir:~/Maildir, passwd-file passdb, static userdb (uid mail), mail_max_userip_connections raised, imap-login in high-performance mode (service_count = 0, process_min_avail = 2, client_limit raised), imap process_limit and the default/anvil/auth client limits raised to take every client, default_vsz_limit = 1G; imap client_limit stays 1 (one process per client, the default). The hibernate variant adds imap_hibernate_timeout = 2s (idle clients move to the imap-hibernate process). For the IDLE phase the run raises fs.inotify.max_user_instances (128 by default) above the number of clients and puts it back after: each imap process watches its Maildir with its own inotify instance under the mail uid, and past the limit Dovecot falls back to polling every 30 s. No FTS plugin: SEARCH TEXT reads the messages; Mailroom answers it from its SQLite FTS5 index.',
    ...(r.notes.length ? ['', '**Notes**', '', ...r.notes.map((n) => `- ${n}`)] : []),
    '',
    '<details><summary>Every run</summary>',
    '',
    '| logins | rounds |',
    '| --- | --- |',
    ...loginLines,
    '',
    ...(idleLines.length === 0 ? [] : [
      '| IDLE | idling | open time | server before (RSS / PSS) | holding (RSS / PSS) | heard EXISTS | delivery | other continuations |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...idleLines,
      '',
    ]),
    `SELECT warm: ${(['Dovecot', 'Mailroom'] as const).map((s) => `${s} ${(r.select[s]?.warmMs ?? []).map((x) => fmt(x)).join(', ') || 'n/a'}`).join('; ')} ms. FETCH: ${(['Dovecot', 'Mailroom'] as const).map((s) => `${s} ${(r.fetch[s]?.ms ?? []).map((x) => fmt(x)).join(', ') || 'n/a'} (${r.fetch[s]?.detail ?? ''})`).join('; ')} ms.`,
    '',
    '</details>',
    '',
  ].join('\n');
}
