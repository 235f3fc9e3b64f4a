// A Mailroom daemon in a temporary data directory, set up with the public CLI only
// (init, domain add, user add, then serve), listening for SMTP on a free loopback port.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, sleep, tailFile, waitForSmtp } from './proc.js';

/** The repository root: dist/bench/lib/ -> ../../.. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// MAILROOM_BENCH_BIN runs the benchmark against another build of the same CLI.
const CLI = process.env.MAILROOM_BENCH_BIN || path.join(REPO_ROOT, 'bin', 'mailroom.js');

export interface MailroomOptions {
  port: number;
  domain: string;
  users: string[];
  /** SPF/DKIM/DMARC verification of inbound mail (config inbound.verify). */
  verify?: boolean;
  /** Which listener gets `port` (default smtp, the MX); every other listener is off. */
  listener?: 'smtp' | 'submission';
  /** Further config changes, made after the bench's own (e.g. outbound routing, limits). */
  configure?: (cfg: Record<string, unknown>) => void;
  /** The CLI entry to run with node (default bin/mailroom.js, which runs dist/). */
  cli?: string;
  /** Extra node options for the daemon only (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** The password of every user the bench creates. */
export const BENCH_PASSWORD = 'bench-password-1234';

export class MailroomInstance {
  readonly dir: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exited = false;
  private exitInfo = '';

  constructor(private readonly opts: MailroomOptions) {
    this.dir = mkdtempSync('/tmp/mailroom-bench-data-');
    this.logFile = this.dir + '.log';
  }

  get port(): number {
    return this.opts.port;
  }

  get pid(): number | null {
    return this.child && !this.exited ? this.child.pid ?? null : null;
  }

  private get entry(): string {
    return this.opts.cli ?? CLI;
  }

  private cli(args: string[], input?: string): string {
    const r = spawnSync(process.execPath, [this.entry, '--data', this.dir, ...args], { input, encoding: 'utf8', timeout: 60000, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`mailroom ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
    return r.stdout;
  }

  async start(): Promise<void> {
    const { port, domain, users } = this.opts;
    this.cli(['init', '--hostname', 'mailroom.bench.test']);
    const cfgPath = path.join(this.dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
    // One listener (the MX unless told otherwise); every other listener off.
    const listen = (cfg.listen ?? {}) as Record<string, string | null>;
    // Every listener init wrote (new ones too, e.g. managesieve) is switched off first.
    for (const k of new Set([...Object.keys(listen), 'smtp', 'submission', 'submissions', 'imap', 'imaps', 'pop3', 'pop3s', 'admin', 'http'])) listen[k] = null;
    listen[this.opts.listener ?? 'smtp'] = `127.0.0.1:${port}`;
    cfg.listen = listen;
    // No DNS traffic off the machine: the system resolver is not on loopback, so point the daemon's
    // resolver at a loopback port where nothing answers (lookups fail fast, as Postfix's are off).
    const deadDns = await freePort();
    cfg.dns = { ...((cfg.dns ?? {}) as object), servers: [`127.0.0.1:${deadDns}`] };
    // Like for like: the Postfix baseline runs no SPF/DKIM/DMARC milter, so verification is off
    // unless the bench is asked for it (--verify).
    cfg.inbound = { ...((cfg.inbound ?? {}) as object), verify: this.opts.verify ?? false };
    this.opts.configure?.(cfg);
    writeFileSync(cfgPath, JSON.stringify(cfg, null, 2) + '\n');
    this.cli(['domain', 'add', domain]);
    for (const u of users) this.cli(['user', 'add', `${u}@${domain}`, '--password-stdin'], `${BENCH_PASSWORD}\n`);
    const log = openSync(this.logFile, 'a');
    // bin/mailroom.js sizes libuv's pool before loading the tree; a direct entry needs the same.
    const env = { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16' };
    this.child = spawn(process.execPath, [...(this.opts.nodeArgs ?? []), this.entry, '--data', this.dir, 'serve'], { stdio: ['ignore', log, log], cwd: REPO_ROOT, env });
    this.child.on('exit', (code, signal) => { this.exited = true; this.exitInfo = `exit ${code ?? signal}`; });
    await waitForSmtp(port, 30000, () => !this.exited).catch((err: Error) => {
      throw new Error(`${err.message} ${this.exitInfo}\n--- ${this.logFile} ---\n${this.tailLog()}`);
    });
  }

  get alive(): boolean {
    return !!this.child && !this.exited;
  }

  tailLog(lines = 30): string {
    return tailFile(this.logFile, lines);
  }

  /** Messages in the user's INBOX, by the admin CLI's stable JSON listing. */
  delivered(user: string): number {
    const out = this.cli(['mail', 'ls', `${user}@${this.opts.domain}`, '--json']);
    const list = JSON.parse(out) as unknown[];
    return list.length;
  }

  /**
   * Bodies still in the store's intake, not yet in their own files (mail/store/sqlite/body-spill.ts).
   * Read from the database directly: no CLI command shows storage internals.
   */
  unfiledBodies(): number {
    const db = new Database(path.join(this.dir, 'mailroom.db'), { readonly: true, fileMustExist: true });
    try {
      // A build from before the intake (MAILROOM_BENCH_BIN) has no such table: every body is a file.
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pending_bodies'").get()) return 0;
      return (db.prepare('SELECT count(*) AS n FROM pending_bodies').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  /** Messages still in the outbound queue, by the admin CLI's stable JSON listing. */
  queued(): number {
    return (JSON.parse(this.cli(['queue', 'ls', '--json'])) as unknown[]).length;
  }

  async stop(keepDir = false): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill('SIGTERM');
      const deadline = Date.now() + 10000;
      while (!this.exited && Date.now() < deadline) await sleep(50);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    if (!keepDir) {
      rmSync(this.dir, { recursive: true, force: true });
      rmSync(this.logFile, { force: true });
    }
  }

  stopSync(): void {
    if (this.child && !this.exited) this.child.kill('SIGKILL');
  }
}
