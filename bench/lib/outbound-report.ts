// The outbound bench's markdown report: medians per server and load shape, Mailroom / Postfix
// ratios, what each side did differently, and every run in a folded table.

import os from 'node:os';

export type OutboundScenario = 'reuse' | 'conn';

export const SCENARIO_TEXT: Record<OutboundScenario, string> = {
  reuse: 'one connection per session',
  conn: 'a new connection per message',
};

export interface OutboundRun {
  server: 'Postfix' | 'Mailroom';
  scenario: OutboundScenario;
  round: number;
  accepted: number;
  failures: number;
  firstFailure: string | null;
  /** First connection → last 250. */
  acceptSec: number;
  /** First connection → the sink has every accepted message. */
  deliverSec: number;
  acceptRate: number;
  deliverRate: number;
  /** End of DATA → 250. */
  p50: number;
  p99: number;
  /** AUTH → 235 per connection (Mailroom only). */
  authP50: number;
  /** Sessions the server opened to the sink for this run's messages. */
  sinkSessions: number;
  /** CPU seconds of the server's processes from the first connection to the last delivery. */
  cpuSec: number;
  /** Mailroom: CPU seconds of the daemon's main thread (its event loop) over the same span; NaN for Postfix. */
  mainThreadCpuSec: number;
  peakRss: number;
  /** Hit a time cap, or not every accepted message reached the sink. */
  capped: boolean;
}

export interface ReportContext {
  messages: number;
  sessions: number;
  size: number;
  rounds: number;
  warmup: number;
  scenarios: OutboundScenario[];
  versions: { postfix: string; node: string; mailroom: string };
  load: { before: string; after: string };
  /** Mailroom's queue.concurrency as run. */
  concurrency: { total: number; perDomain: number };
  /** Postfix's per-destination concurrency limit as run. */
  postfixConcurrency: string;
}

export const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};

export const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const mib = (b: number): string => (b > 0 ? `${(b / 1048576).toFixed(1)} MiB` : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

export function outboundReport(results: OutboundRun[], c: ReportContext): string {
  const names = (['Postfix', 'Mailroom'] as const).filter((n) => results.some((r) => r.server === n));
  const both = names.length === 2;
  const pick = (name: string, sc: OutboundScenario) => results.filter((r) => r.server === name && r.scenario === sc);
  type Row = { label: string; scenario: OutboundScenario; value: (rs: OutboundRun[]) => number; show: (x: number, rs: OutboundRun[]) => string };
  const rate = (x: number, rs: OutboundRun[]) => fmt(x) + (rs.some((r) => r.capped) ? ' (capped)' : '');
  const ms = (d: number) => (x: number) => fmt(x, d);
  const rows: Row[] = c.scenarios.flatMap((sc): Row[] => [
    { label: `**Relayed to the sink, msgs/s**: ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => r.deliverRate)), show: rate },
    { label: `Accepted (250), msgs/s: ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => r.acceptRate)), show: rate },
    { label: `End of DATA → 250, p50 (ms): ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => r.p50)), show: ms(2) },
    { label: `End of DATA → 250, p99 (ms): ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => r.p99)), show: ms(2) },
    { label: `CPU per 1000 messages (s): ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => (1000 * r.cpuSec) / Math.max(1, r.accepted))), show: ms(2) },
    { label: `Main-thread CPU per 1000 messages (s): ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => (1000 * r.mainThreadCpuSec) / Math.max(1, r.accepted))), show: (x) => (Number.isFinite(x) ? fmt(x, 2) : 'n/a') },
    { label: `Sessions to the sink per 1000 messages: ${SCENARIO_TEXT[sc]}`, scenario: sc, value: (rs) => median(rs.map((r) => (1000 * r.sinkSessions) / Math.max(1, r.accepted))), show: ms(0) },
  ]);
  const conn = c.scenarios.includes('conn') ? 'conn' : c.scenarios[0]!;
  rows.push({ label: `AUTH PLAIN → 235, p50 (ms): ${SCENARIO_TEXT[conn]}`, scenario: conn, value: (rs) => median(rs.map((r) => r.authP50)), show: (x) => (Number.isFinite(x) ? fmt(x, 2) : 'no AUTH') });
  rows.push({ label: 'Peak RSS, summed over the processes', scenario: c.scenarios[0]!, value: (rs) => median(rs.map((r) => r.peakRss)), show: (x) => mib(x) });

  const title = (n: string) => (n === 'Postfix' ? `Postfix ${c.versions.postfix}` : `Mailroom ${c.versions.mailroom}`);
  const head = `| Outbound, ${c.messages} × ${c.size / 1024} KB, ${c.sessions} sessions | ${names.map(title).join(' | ')}${both ? ' | Mailroom / Postfix' : ''} |`;
  const sep = `| --- | ${names.map(() => '---:').join(' | ')}${both ? ' | ---:' : ''} |`;
  const body = rows.map((row) => {
    const vals = names.map((n) => { const rs = pick(n, row.scenario); return { x: row.value(rs), rs }; });
    return `| ${row.label} | ${vals.map(({ x, rs }) => row.show(x, rs)).join(' | ')}${both ? ` | ${ratio(vals[1]!.x, vals[0]!.x)}` : ''} |`;
  });
  const perRun = results.map((r) => `| ${r.server} | ${r.scenario} | ${r.round} | ${fmt(r.deliverRate)} | ${fmt(r.acceptRate)} | ${fmt(r.deliverSec, 2)} | ${fmt(r.p50, 2)} / ${fmt(r.p99, 2)} | ${Number.isFinite(r.authP50) ? fmt(r.authP50, 2) : '–'} | ${r.sinkSessions} | ${fmt(r.cpuSec, 2)} | ${Number.isFinite(r.mainThreadCpuSec) ? fmt(r.mainThreadCpuSec, 2) : '–'} | ${mib(r.peakRss)} |${r.capped ? ' capped' : ''}${r.failures ? ` ${r.failures} failures (${r.firstFailure})` : ''}`);
  const cpu = os.cpus()[0]?.model ?? '?';
  return [
    '### Outbound relay: Mailroom vs Postfix',
    '',
    head, sep, ...body,
    '',
    `Medians of ${c.rounds} round${c.rounds > 1 ? 's' : ''}, the servers taking turns (order reversed each round) in one run on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${c.versions.node}, ${new Date().toISOString().slice(0, 10)}; load average ${c.load.before} before, ${c.load.after} after.`,
    `Load: our client (bench/lib/outbound-load.ts) sends ${c.messages} messages of ${c.size} body bytes to one foreign recipient over ${c.sessions} concurrent sessions, one command at a time, after a ${c.warmup}-message warm-up of each server. Both relay to one Postfix smtp-sink on loopback, which discards the mail.`,
    'Relayed = messages / time from the first connection until the sink has seen the end of DATA of every accepted message (the queue\'s whole path: receive, store durably, deliver). Accepted = the same until the last 250. Both say 250 only once the message is durable (Postfix: queue file fsync; Mailroom: the SQLite commit of the rows and, up to 64 KiB, the body; a larger body\'s spool file and its directory before that).',
    `Mailroom: the submission listener, AUTH PLAIN once per connection (auth.allowInsecure, no TLS), sender ownership checks, DKIM signing (RSA and Ed25519, as \`domain add\` sets up), then its queue (queue.concurrency total ${c.concurrency.total}, perDomain ${c.concurrency.perDomain}) routes by MX (a dnsmasq on loopback answering with a 300 s TTL, as a real zone would; the queue's DNS cache keeps MX, A, AAAA and the \`_mta-sts\` NXDOMAIN for that long) with opportunistic STARTTLS, which the sink does not offer, and keeps sessions to the sink open for the next message (queue.connectionReuse defaults: up to 100 messages per session, closed after 2 s idle).`,
    `Postfix: smtpd relays for mynetworks (no AUTH, no signing), relayhost = [127.0.0.1]:sink (no DNS), ${c.postfixConcurrency}, connection cache on demand. So Mailroom does more per message than the baseline.`,
    '"(capped)": at least one run of that median hit a time cap (120 s of load, 120 s of drain by default) or had messages refused, so its rate is a lower bound taken over the messages that made it.',
    'CPU = user + system time of the server\'s processes (Mailroom: the daemon; Postfix: master and every child, reaped ones included) from the first connection to the last delivery, from /proc. Main-thread CPU: Mailroom\'s event loop alone (its SMTP sessions, queue runner and delivery run there; the SQLite commits, RSA signing and file I/O on other threads), which bounds what one daemon can do per second.',
    '',
    '<details><summary>Every run</summary>',
    '',
    '| server | load | round | relayed msgs/s | accepted msgs/s | seconds | 250 p50 / p99 ms | AUTH p50 ms | sink sessions | CPU s | main-thread CPU s | peak RSS |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...perRun,
    '',
    '</details>',
    '',
  ].join('\n');
}
