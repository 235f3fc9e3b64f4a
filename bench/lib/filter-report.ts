// The filter benchmark's report: the headline table (no filters against rspamd + clamd, the
// ratio and the 20% target), where the filtered path's time goes, every round, the refusals,
// and the method. Pure: numbers in, markdown out.

import os from 'node:os';
import type { CheckTimes } from './filter-check-times.js';
import { quantile } from './filter-load.js';

export interface FilterRound {
  side: 'plain' | 'filtered';
  round: number;
  sessions: number;
  messages: number;
  latenciesMs: number[];
  accepted: number;
  refused: number;
  firstRefusal: string | null;
  errors: number;
  firstError: string | null;
  wallMs: number;
  capped: boolean;
  /** Messages that reached the mailbox during the round (by `mailroom mail ls`). */
  delivered: number;
  checks: CheckTimes;
  cpuSecPer1000: { mailroom: number; rspamd: number; clamd: number };
  loadBefore: string;
  loadAfter: string;
}

export interface RefusalCheck {
  side: 'plain' | 'filtered';
  kind: 'GTUBE' | 'EICAR';
  sent: number;
  refused554: number;
  example: string;
}

export interface FilterReportInput {
  rounds: FilterRound[];
  refusals: RefusalCheck[];
  options: { messages: number; sessions: number; size: number; rounds: number; warmup: number; rspamdWorkers: number | null };
  versions: { rspamd: string; clamav: string; node: string; mailroom: string };
  load: { before: string; after: string };
  peers: { rspamdStartupMs: number; clamdStartupMs: number };
}

/** The overhead filtering may add (issue 5). */
export const TARGET_OVERHEAD = 0.2;

const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};
const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rate = (r: FilterRound): number => r.accepted / (r.wallMs / 1000);
const pct = (r: number): string => (Number.isFinite(r) ? `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(0)}%` : 'n/a');

interface Metric {
  label: string;
  of: (r: FilterRound) => number;
  digits: number;
  /** Higher is better (throughput): the overhead is plain/filtered, not filtered/plain. */
  higherIsBetter?: boolean;
}

const METRICS: Metric[] = [
  { label: 'End of DATA → 250, p50 (ms)', of: (r) => quantile(r.latenciesMs, 0.5), digits: 1 },
  { label: 'End of DATA → 250, p99 (ms)', of: (r) => quantile(r.latenciesMs, 0.99), digits: 1 },
  { label: 'Accepted and stored, msgs/s', of: rate, digits: 0, higherIsBetter: true },
];

/** Per round pair, the filtered value over the plain one (for throughput: plain over filtered). */
function pairedRatios(rounds: FilterRound[], m: Metric): number[] {
  const out: number[] = [];
  for (const n of new Set(rounds.map((r) => r.round))) {
    const a = rounds.find((r) => r.round === n && r.side === 'plain');
    const b = rounds.find((r) => r.round === n && r.side === 'filtered');
    if (!a || !b) continue;
    out.push(m.higherIsBetter ? m.of(a) / m.of(b) : m.of(b) / m.of(a));
  }
  return out;
}

export function filterReport(input: FilterReportInput): string {
  const { rounds, options: o, versions: v } = input;
  const plain = rounds.filter((r) => r.side === 'plain');
  const filtered = rounds.filter((r) => r.side === 'filtered');
  const verdict = (ratio: number) => (Number.isFinite(ratio) ? (ratio <= 1 + TARGET_OVERHEAD ? 'met' : 'not met') : 'n/a');
  const head = [
    `| Inbound, ${o.messages} × ${o.size / 1024} KB clean mail, ${o.sessions} sessions | (a) no filters | (b) rspamd + clamd | overhead of (b) | target ≤ +${TARGET_OVERHEAD * 100}% |`,
    '| --- | ---: | ---: | ---: | --- |',
  ];
  const rows = METRICS.map((m) => {
    const a = median(plain.map(m.of));
    const b = median(filtered.map(m.of));
    const ratio = median(pairedRatios(rounds, m));
    const shown = m.higherIsBetter ? `${fmt(ratio, 2)}× fewer (−${fmt((1 - 1 / ratio) * 100, 0)}%)` : `${pct(ratio)} (${fmt(ratio, 2)}×)`;
    return `| ${m.label} | ${fmt(a, m.digits)} | ${fmt(b, m.digits)} | ${shown} | ${verdict(ratio)} |`;
  });

  // Where the time goes in (b): each check's own time, the daemon's per-message time, CPU.
  const checkNames = [...new Set(filtered.flatMap((r) => Object.keys(r.checks.checks)))].sort();
  const allMs = (rs: FilterRound[], pick: (t: CheckTimes) => number[]) => rs.flatMap((r) => pick(r.checks));
  const where = [
    '| In the daemon, per message (all rounds) | p50 (ms) | p99 (ms) | actions |',
    '| --- | ---: | ---: | --- |',
    `| (a) whole message, DATA callback → committed | ${fmt(quantile(allMs(plain, (t) => t.totalMs), 0.5), 0)} | ${fmt(quantile(allMs(plain, (t) => t.totalMs), 0.99), 0)} | |`,
    `| (b) whole message, DATA callback → checked and committed | ${fmt(quantile(allMs(filtered, (t) => t.totalMs), 0.5), 0)} | ${fmt(quantile(allMs(filtered, (t) => t.totalMs), 0.99), 0)} | |`,
    ...checkNames.map((name) => {
      const ms = allMs(filtered, (t) => t.checks[name]?.ms ?? []);
      const actions: Record<string, number> = {};
      for (const r of filtered) for (const [a, n] of Object.entries(r.checks.checks[name]?.actions ?? {})) actions[a] = (actions[a] ?? 0) + n;
      return `| (b) ${name} check (runs beside the other) | ${fmt(quantile(ms, 0.5), 1)} | ${fmt(quantile(ms, 0.99), 1)} | ${Object.entries(actions).map(([a, n]) => `${a} ${n}`).join(', ')} |`;
    }),
  ];
  const cpu = [
    '| CPU seconds per 1000 messages (median of rounds) | Mailroom | rspamd | clamd | sum |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...([['(a) no filters', plain], ['(b) rspamd + clamd', filtered]] as const).map(([label, rs]) => {
      const m = median(rs.map((r) => r.cpuSecPer1000.mailroom));
      const s = label.startsWith('(b)') ? median(rs.map((r) => r.cpuSecPer1000.rspamd)) : 0;
      const c = label.startsWith('(b)') ? median(rs.map((r) => r.cpuSecPer1000.clamd)) : 0;
      return `| ${label} | ${fmt(m, 2)} | ${label.startsWith('(b)') ? fmt(s, 2) : '–'} | ${label.startsWith('(b)') ? fmt(c, 2) : '–'} | ${fmt(m + s + c, 2)} |`;
    }),
  ];
  const perRound = [
    '| round | side | p50 / p99 (ms) | msgs/s | accepted / refused / errors | stored | daemon p50 (ms) | rspamd p50 (ms) | clamd p50 (ms) | CPU s/1000: Mailroom, rspamd, clamd | load before → after |',
    '| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...rounds.map((r) => {
      const c = (name: string) => fmt(quantile(r.checks.checks[name]?.ms ?? [], 0.5), 1);
      const notes = [r.capped ? 'capped' : '', r.firstRefusal ? `refused: ${r.firstRefusal.split('\n')[0]}` : '', r.firstError ? `error: ${r.firstError}` : ''].filter(Boolean).join('; ');
      return `| ${r.round} | ${r.side === 'plain' ? '(a) no filters' : '(b) rspamd + clamd'} | ${fmt(quantile(r.latenciesMs, 0.5))} / ${fmt(quantile(r.latenciesMs, 0.99))} | ${fmt(rate(r), 0)} | ${r.accepted} / ${r.refused} / ${r.errors} | ${r.delivered} | ${fmt(quantile(r.checks.totalMs, 0.5), 0)} | ${r.side === 'filtered' ? c('rspamd') : '–'} | ${r.side === 'filtered' ? c('clamd') : '–'} | ${fmt(r.cpuSecPer1000.mailroom, 2)}${r.side === 'filtered' ? `, ${fmt(r.cpuSecPer1000.rspamd, 2)}, ${fmt(r.cpuSecPer1000.clamd, 2)}` : ''} | ${r.loadBefore} → ${r.loadAfter} |${notes ? ` ${notes}` : ''}`;
    }),
  ];
  const refusals = input.refusals.length === 0 ? ['(not run: --rejects 0)'] : [
    '| sent to | message | sent | answered 554 | first answer |',
    '| --- | --- | ---: | ---: | --- |',
    ...input.refusals.map((x) => `| ${x.side === 'plain' ? '(a) no filters' : '(b) rspamd + clamd'} | ${x.kind} | ${x.sent} | ${x.refused554} | \`${x.example.split('\n')[0]}\` |`),
  ];
  const cpuModel = os.cpus()[0]?.model ?? '?';
  return [
    '### Filters: rspamd and clamd in the loop',
    '',
    ...head, ...rows,
    '',
    `Medians of ${o.rounds} round${o.rounds > 1 ? 's' : ''} per side, the overhead as the median of the per-round ratios (b)/(a) (throughput: (a)/(b)); sides taking turns (a b, b a, …) in one run on ${os.cpus().length} × ${cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${input.load.before} before, ${input.load.after} after. Mailroom ${v.mailroom}, rspamd ${v.rspamd}, ClamAV ${v.clamav}, Node ${v.node}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '##### Where the time goes in (b)',
    '',
    ...where,
    '',
    ...cpu,
    '',
    '##### Every round',
    '',
    ...perRound,
    '',
    '##### Spam and viruses are refused',
    '',
    ...refusals,
    '',
    '##### Method',
    '',
    `- One rspamd ${v.rspamd} and one clamd (ClamAV ${v.clamav}) from Debian, started as the test fixtures start them (\`test/helpers/rspamd-fixture.ts\`, \`clamd-fixture.ts\`): rspamd with Debian's configuration and the appliance's own settings as shipped (\`provisioning/etc/rspamd/local.d\`: ${o.rspamdWorkers === null ? 'two normal workers' : `here ${o.rspamdWorkers} normal worker(s) instead of its two (--rspamd-workers)`}, Bayes on SQLite, no proxy, SPF/DKIM/DMARC through http_headers, ARC off) and a short public-suffix list (startup only), measured only once its Hyperscan database is loaded, its DNS a loopback dnsmasq that answers NXDOMAIN at once (\`bench/lib/nxdomain-dns.ts\`: every block-list lookup of a clean message says "not listed", as a caching resolver would; the sandbox's own resolver is unreachable and each of rspamd's ~6 lookups per message would wait 1 s for its timeout), no Redis (so no greylisting); clamd with a one-line signature database (EICAR), so its scan is the cost of parsing the message rather than of matching millions of signatures (a real database makes clamd slower per message, not Mailroom). Ready in ${input.peers.rspamdStartupMs} ms and ${input.peers.clamdStartupMs} ms.`,
    `- Two \`mailroom serve\` MX instances set up alike with the public CLI (\`bench/lib/mailroom-instance.ts\`: only the SMTP listener, resolver on a dead loopback port, inbound.verify off), (b) with \`spam.rspamd\` = the normal worker's URL and \`antivirus.clamd\` = clamd's Unix socket, both \`onUnavailable: "defer"\` so a check that could not run shows up as a refusal instead of flattering (b).`,
    `- Load (\`bench/lib/filter-load.ts\`): ${o.sessions} sessions at once over kept-open connections (opened before the clock starts), ${o.messages} clean ${o.size}-byte UTF-8 text messages in all, back to back, each timed from the end of DATA leaving the socket to the 250; after a ${o.warmup}-message warm-up of each side. Every message of the load is timed, so the percentiles are over all ${o.messages}. Throughput = accepted / (first MAIL FROM → last reply); every accepted message is checked in the mailbox (\`mailroom mail ls --json\`).`,
    '- The daemon\'s own times come from its log line per message (`ms`, `filters.rspamd.ms`, `filters.clamd.ms`); CPU from `/proc` (user + system, the process tree of each).',
    '- The refusal check runs after the rounds: GTUBE (rspamd\'s reject) and EICAR as an attachment (clamd), each on a new connection, to (b) and, for contrast, to (a).',
    '',
  ].join('\n');
}
