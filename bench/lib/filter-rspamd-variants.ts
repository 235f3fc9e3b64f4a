// rspamd alone, variants side by side: where its time goes and what the shipped settings change.
// One rspamd per variant (test/helpers/rspamd-fixture.ts: the appliance's local.d plus the
// variant's override.d files), all started at once, then batches of checks taking turns
// (v1 v2 v3, v3 v2 v1, ...) so a shared machine's drift favours none. Each check is a 4 KB clean
// message from the filter bench (bench/lib/filter-messages.ts) from a public client address
// (rspamd skips several checks for loopback); CPU per check from /proc (the rspamd process tree).
//
// Usage: node dist/bench/lib/filter-rspamd-variants.js [--ablate | --clients OTHER_DIST [--only clamd|rspamd]]
//          [--batches N] [--batch N] [--concurrency C]
//   default: before (Debian's defaults, 1 worker, its own SPF/DKIM/DMARC/ARC) against the
//            shipped settings with 1 and with 2 workers, Mailroom's results in the request;
//   --ablate: the shipped settings against the same with groups of modules switched off.
//   --clients OTHER_DIST: Mailroom's side instead: this build's content filters (the clamd and
//            rspamd checks as the MX builds them) against another build's (e.g. an unchanged
//            tree compiled to dist-base), both against one shipped rspamd and one clamd, batches
//            taking turns; the client process's CPU per message (process.cpuUsage, which includes
//            ~0.1 ms/message of this loop itself). --only clamd|rspamd runs one check alone.

import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/log.js';
import { createContentFilters, type ContentFilters } from '../../mail/pipeline/content-filters.js';
import type { CheckContext } from '../../mail/pipeline/contracts.js';
import { ClamdFixture } from '../../test/helpers/clamd-fixture.js';
import { RspamdFixture, type RspamdFixtureOptions } from '../../test/helpers/rspamd-fixture.js';
import { cleanMessage } from './filter-messages.js';
import { NxdomainDns } from './nxdomain-dns.js';
import { treeCpuSeconds } from './outbound-cpu.js';

interface Variant {
  name: string;
  fixture: RspamdFixtureOptions;
  headers: Record<string, string>;
}

const ENVELOPE = { IP: '192.0.2.10', Helo: 'client.bench.test', From: 'sender@client.bench.test', Rcpt: 'inbox@bench.test' };
/** What Mailroom sends when it has verified the message (mail/pipeline/rspamd-auth-headers.ts). */
const VERIFIED = { ...ENVELOPE, SPF: '{"result":"pass"}', DKIM: '{"result":"na"}', DMARC: '{"result":"na"}' };
const off = (...modules: string[]) => Object.fromEntries(modules.map((m) => [`${m}.conf`, 'enabled = false;\n']));

function variants(ablate: boolean): Variant[] {
  if (!ablate) {
    return [
      { name: 'before: Debian defaults, 1 worker, its own SPF/DKIM/DMARC/ARC', fixture: { normalWorkers: 1, overrides: { 'http_headers.conf': 'enabled = false;\n', 'arc.conf': 'enabled = true;\n' } }, headers: ENVELOPE },
      { name: 'shipped, but 1 worker, with Mailroom\'s results', fixture: { normalWorkers: 1 }, headers: VERIFIED },
      { name: 'shipped (2 workers), with Mailroom\'s results', fixture: {}, headers: VERIFIED },
    ];
  }
  return [
    { name: 'as shipped', fixture: {}, headers: VERIFIED },
    { name: 'RBL, emails, ASN, fuzzy, phishing off', fixture: { overrides: off('rbl', 'emails', 'asn', 'fuzzy_check', 'phishing') }, headers: VERIFIED },
    { name: 'hfilter off', fixture: { overrides: off('hfilter') }, headers: VERIFIED },
    { name: 'Bayes off', fixture: { overrides: { 'classifier-bayes.conf': 'min_learns = 1;\nenabled = false;\n' } }, headers: VERIFIED },
    { name: 'the regexp module off', fixture: { overrides: off('regexp') }, headers: VERIFIED },
  ];
}

function check(url: string, message: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(`${url}/checkv2`, { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(message)) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`rspamd answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(message);
  });
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? NaN;
}

async function clients(otherDist: string, only: string | null, batches: number, batchSize: number, concurrency: number): Promise<void> {
  const dns = new NxdomainDns();
  await dns.start();
  const [rspamd, clamd] = await Promise.all([RspamdFixture.start({ dnsServer: dns.address, testRules: false }), ClamdFixture.start({ streamMaxLength: '10M' })]);
  const sides: { name: string; filters: ContentFilters }[] = [];
  try {
    await rspamd.hyperscanReady();
    const config = {
      hostname: 'mx.bench.test',
      spam: { rspamd: rspamd.url, rspamdController: null, rspamdPassword: null, timeout: 20, onUnavailable: 'defer' },
      antivirus: { clamd: clamd.unixAddress, timeout: 30, maxScanSize: 10 * 1024 * 1024, onUnavailable: 'defer', onTooLarge: 'accept' },
    } as unknown as Parameters<typeof createContentFilters>[0];
    const deps = { logger: createLogger({ level: 'error' }) };
    const other = (await import(path.resolve(otherDist, 'mail/pipeline/content-filters.js'))) as { createContentFilters: typeof createContentFilters };
    sides.push({ name: `other (${otherDist})`, filters: other.createContentFilters(config, deps) }, { name: 'this build', filters: createContentFilters(config, deps) });
    const mail = { from: ENVELOPE.From, to: ENVELOPE.Rcpt };
    const ctx = (i: number): CheckContext => ({ connectionId: `c${i}`, remoteAddress: ENVELOPE.IP, remoteHostname: null, helo: ENVELOPE.Helo, tls: false, authenticatedUser: null, mailFrom: mail.from, recipients: [mail.to], queueId: `Q${i}` });
    let seq = 0;
    const batch = async (f: ContentFilters, n: number) => {
      const checks = f.checks.filter((c) => !only || c.name === only);
      let left = n;
      const cpu0 = process.cpuUsage();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (left-- > 0) {
          const i = seq++;
          // As the spool holds a 4 KB message: the pieces the SMTP stream brought (~1 KB).
          const raw = Buffer.from(cleanMessage(mail, i, 4096, 'clients'));
          const pieces: Buffer[] = [];
          for (let o = 0; o < raw.length; o += 1024) pieces.push(raw.subarray(o, o + 1024));
          const message = { size: raw.length, async *open() { yield* pieces; } };
          const results = await Promise.all(checks.map((c) => c.data!(ctx(i), message)));
          const bad = results.find((r) => r.action === 'reject' || r.action === 'defer');
          if (bad) throw new Error(`a check refused a clean message: ${JSON.stringify(bad)}`);
        }
      }));
      const c = process.cpuUsage(cpu0);
      return (c.user + c.system) / 1000 / n;
    };
    for (const s of sides) await batch(s.filters, 100); // warm-up
    const cpu = sides.map(() => [] as number[]);
    const loadBefore = os.loadavg().map((x) => x.toFixed(1)).join(' ');
    for (let b = 0; b < batches; b++) {
      for (let k = 0; k < sides.length; k++) {
        const i = b % 2 ? sides.length - 1 - k : k;
        cpu[i]!.push(await batch(sides[i]!.filters, batchSize));
      }
    }
    const lines = [
      `${batches} batches of ${batchSize} messages per side, ${concurrency} at once, taking turns, checks: ${only ?? 'clamd + rspamd'}; load ${loadBefore} -> ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
      '',
      '| Mailroom build | client CPU ms/message, median of batches | every batch |',
      '| --- | ---: | --- |',
      ...sides.map((s, i) => `| ${s.name} | ${quantile(cpu[i]!, 0.5).toFixed(2)} | ${cpu[i]!.map((x) => x.toFixed(2)).join(' ')} |`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const s of sides) s.filters.close();
    await Promise.all([rspamd.cleanup(), clamd.cleanup()]);
    await dns.stop();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const num = (flag: string, dflt: number) => { const i = argv.indexOf(flag); return i >= 0 ? Number(argv[i + 1]) : dflt; };
  const otherDist = argv.includes('--clients') ? argv[argv.indexOf('--clients') + 1] : undefined;
  if (otherDist) {
    const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] ?? null : null;
    await clients(otherDist, only, num('--batches', 6), num('--batch', 200), num('--concurrency', 10));
    return;
  }
  const list = variants(argv.includes('--ablate'));
  const batches = num('--batches', 6);
  const batchSize = num('--batch', 150);
  const concurrency = num('--concurrency', 10);
  const dns = new NxdomainDns();
  await dns.start();
  const peers: RspamdFixture[] = [];
  try {
    for (const v of list) peers.push(await RspamdFixture.start({ dnsServer: dns.address, testRules: false, ...v.fixture }));
    for (const p of peers) await p.hyperscanReady();
    let seq = 0;
    const batch = async (i: number, n: number) => {
      const latencies: number[] = [];
      let left = n;
      const cpu0 = treeCpuSeconds(peers[i]!.pid ?? null);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (left-- > 0) latencies.push(await check(peers[i]!.url, cleanMessage({ from: ENVELOPE.From, to: ENVELOPE.Rcpt }, seq++, 4096, 'variants'), list[i]!.headers));
      }));
      return { latencies, ms: performance.now() - t0, cpu: treeCpuSeconds(peers[i]!.pid ?? null) - cpu0 };
    };
    for (let i = 0; i < list.length; i++) await batch(i, 50); // warm-up
    const acc = list.map(() => ({ latencies: [] as number[], ms: 0, n: 0, cpu: 0 }));
    const loadBefore = os.loadavg().map((x) => x.toFixed(1)).join(' ');
    for (let b = 0; b < batches; b++) {
      for (let k = 0; k < list.length; k++) {
        const i = b % 2 ? list.length - 1 - k : k;
        const r = await batch(i, batchSize);
        acc[i]!.latencies.push(...r.latencies);
        acc[i]!.ms += r.ms;
        acc[i]!.n += batchSize;
        acc[i]!.cpu += r.cpu;
      }
    }
    const lines = [
      `${batches} batches of ${batchSize} checks per variant, ${concurrency} at once, taking turns; load ${loadBefore} -> ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
      '',
      '| rspamd variant, 4 KB clean message | check p50 (ms) | p99 (ms) | checks/s | CPU ms/check |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...list.map((v, i) => `| ${v.name} | ${quantile(acc[i]!.latencies, 0.5).toFixed(1)} | ${quantile(acc[i]!.latencies, 0.99).toFixed(1)} | ${(acc[i]!.n / acc[i]!.ms * 1000).toFixed(0)} | ${(acc[i]!.cpu / acc[i]!.n * 1000).toFixed(2)} |`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const p of peers) await p.cleanup();
    await dns.stop();
  }
}

main().catch((err: Error) => { process.stderr.write(`filter-rspamd-variants: ${err.stack ?? err.message}\n`); process.exitCode = 1; });
