// Mailroom set up for the IMAP benchmark: a temporary data directory made with the public CLI
// (init, domain add, user add), IMAP without TLS on a free loopback port (auth.allowInsecure, as
// the Dovecot baseline runs with ssl = no), the MX on another port for the delivery during IDLE,
// every other listener off, limits raised so 10,000 connections from one address are allowed.
// Mail is loaded in-process (imap-mailroom-loader.ts) between setup() and start().

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyTree } from './imap-data-cache.js';
import path from 'node:path';
import { REPO_ROOT } from './mailroom-instance.js';
import { imapGreets } from './imap-probe.js';
import { freePort, sleep, tailFile } from './proc.js';

// MAILROOM_BENCH_BIN runs the benchmark against another build of the same CLI.
const CLI = process.env.MAILROOM_BENCH_BIN || path.join(REPO_ROOT, 'bin', 'mailroom.js');

export interface ImapMailroomOptions {
  imapPort: number;
  smtpPort: number;
  domain: string;
  /** Accounts made with `mailroom user add` (all with `password`). */
  users: string[];
  password: string;
  /** Connections the instance must take at once. */
  maxConnections: number;
}

export class ImapMailroomInstance {
  readonly dir: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exited = true;
  private exitInfo = '';

  constructor(readonly opts: ImapMailroomOptions) {
    this.dir = mkdtempSync('/tmp/mailroom-bench-imap-data-');
    this.logFile = this.dir + '.log';
  }

  get port(): number { return this.opts.imapPort; }
  get pid(): number | null { return this.child && !this.exited ? this.child.pid ?? null : null; }
  get alive(): boolean { return !this.exited; }

  cli(args: string[], input?: string): string {
    const r = spawnSync(process.execPath, [CLI, '--data', this.dir, ...args], { input, encoding: 'utf8', timeout: 120000, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`mailroom ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
    return r.stdout;
  }

  /** init + config + domain + users; the daemon is not started. */
  async setup(): Promise<void> {
    const { domain, users, password } = this.opts;
    this.cli(['init', '--hostname', 'mailroom.bench.test']);
    await this.configure();
    this.cli(['domain', 'add', domain]);
    for (const u of users) this.cli(['user', 'add', u, '--password-stdin'], password + '\n');
  }

  /**
   * Takes a data directory saved by an earlier run (imap-data-cache.ts: the same accounts and mail) instead of
   * setup() and loading: only the ports and limits of this run are written into its config.
   */
  async adoptTemplate(templateDir: string): Promise<void> {
    await copyTree(templateDir, this.dir);
    await this.configure();
  }

  /** This run's listeners, auth and limits in config.json (the rest as `mailroom init` wrote it). */
  private async configure(): Promise<void> {
    const { imapPort, smtpPort, maxConnections } = this.opts;
    const cfgPath = path.join(this.dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, Record<string, unknown>>;
    const listen: Record<string, string | null> = {};
    for (const k of ['smtp', 'submission', 'submissions', 'imap', 'imaps', 'pop3', 'pop3s', 'admin', 'http']) listen[k] = null;
    listen.imap = `127.0.0.1:${imapPort}`;
    listen.smtp = `127.0.0.1:${smtpPort}`;
    cfg.listen = listen;
    // Like the Dovecot baseline (ssl = no): passwords over plain IMAP on loopback.
    cfg.auth = { ...(cfg.auth ?? {}), allowInsecure: true };
    // No DNS off the machine (a dead loopback resolver) and no SPF/DKIM/DMARC on the MX: the
    // delivery during IDLE is about the notification, not the checks.
    cfg.dns = { ...(cfg.dns ?? {}), servers: [`127.0.0.1:${await freePort()}`] };
    cfg.inbound = { ...(cfg.inbound ?? {}), verify: false };
    cfg.limits = {
      ...(cfg.limits ?? {}),
      // Every benchmark client comes from 127.0.0.1.
      connectionsPerIp: maxConnections + 100,
      maxConnections: maxConnections + 100,
      idleTimeout: 3600,
      greetingWait: 0,
      diskReserve: '1M',
    };
    writeFileSync(cfgPath, JSON.stringify(cfg, null, 2) + '\n');
  }

  async start(timeoutMs = 60000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, [CLI, '--data', this.dir, 'serve'], { stdio: ['ignore', log, log], cwd: REPO_ROOT });
    this.exited = false;
    this.child.on('exit', (code, signal) => { this.exited = true; this.exitInfo = `exit ${code ?? signal}`; });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`mailroom serve exited at start (${this.exitInfo})\n--- ${this.logFile} ---\n${tailFile(this.logFile)}`);
      if (await imapGreets(this.opts.imapPort)) return;
      await sleep(200);
    }
    throw new Error(`mailroom serve did not greet IMAP on 127.0.0.1:${this.opts.imapPort} within ${timeoutMs} ms (is listen.imap wired in mail/main.ts?)\n${tailFile(this.logFile)}`);
  }

  async stop(keepDir = false): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill('SIGTERM');
      const deadline = Date.now() + 12000;
      while (!this.exited && Date.now() < deadline) await sleep(50);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    if (!keepDir) {
      rmSync(this.dir, { recursive: true, force: true });
      rmSync(this.logFile, { force: true });
    }
  }

  stopSync(): void {
    if (this.child && !this.exited) { try { this.child.kill('SIGKILL'); } catch { /* gone */ } }
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.logFile, { force: true });
  }

  tailLog(lines = 30): string {
    return tailFile(this.logFile, lines);
  }
}
