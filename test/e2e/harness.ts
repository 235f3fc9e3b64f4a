// End-to-end harness: a real `mailroom serve` in a temporary data directory on a free loopback
// port, set up through the real CLI, plus a raw SMTP client for scripted and hostile sessions.
// Every wait has a timeout; every process and directory the harness makes is removed when the
// test file ends, whether the tests passed or not (after() hooks, and an exit handler as backstop).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Paths

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'bin', 'mailroom.js')) && existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the repository root (bin/mailroom.js) above ' + fileURLToPath(import.meta.url));
}

export const REPO_ROOT = findRepoRoot();
// MAILROOM_E2E_BIN runs the suite against another build of the same CLI (an installed one, say).
export const MAILROOM_BIN = process.env.MAILROOM_E2E_BIN || path.join(REPO_ROOT, 'bin', 'mailroom.js');

/** The password every test account gets; strong enough for the password policy. */
export const TEST_PASSWORD = 'Vq7!trellis-Oxbow-42';

// ---------------------------------------------------------------------------------------------
// Small utilities

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects with `what` after ms unless the promise settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms); }),
  ]);
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      if (!addr || typeof addr === 'string') { srv.close(); reject(new Error('no port')); return; }
      srv.close(() => resolve(addr.port));
    });
  });
}

/** Small seeded PRNG (mulberry32) so random schedules can be replayed from the logged seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let tokenCounter = 0;
/** A token unique within the run, safe in a Subject, a Message-ID and a local part. */
export function uniqueToken(prefix = 't'): string {
  tokenCounter++;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${tokenCounter.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** An RFC 5322 message with CRLF line endings. */
export function buildMessage(opts: { from: string; to: string | string[]; subject: string; body: string; messageId?: string; extraHeaders?: string[] }): string {
  const to = Array.isArray(opts.to) ? opts.to.join(', ') : opts.to;
  const headers = [
    `From: <${opts.from}>`,
    `To: ${to.split(', ').map((a) => `<${a}>`).join(', ')}`,
    `Subject: ${opts.subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${opts.messageId ?? uniqueToken('m')}@e2e.client.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(opts.extraHeaders ?? []),
  ];
  const body = opts.body.replace(/\r?\n/g, '\r\n');
  return headers.join('\r\n') + '\r\n\r\n' + body + (body.endsWith('\r\n') ? '' : '\r\n');
}

// ---------------------------------------------------------------------------------------------
// Running commands

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string; ms: number }

/** Runs a program without a shell; input goes to its stdin. Kills it after timeoutMs. */
export function run(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const res: RunResult = { code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started };
      if (timedOut) reject(new Error(`${cmd} ${args.join(' ')}: killed after ${opts.timeoutMs ?? 30_000} ms; stderr: ${res.stderr}`));
      else resolve(res);
    });
    child.stdin.on('error', () => { /* the program may not read its stdin */ });
    child.stdin.end(opts.input ?? '');
  });
}

// ---------------------------------------------------------------------------------------------
// The daemon under test

export interface MailSummaryJson { uid: number; folder: string; from: string | null; subject: string | null; size: number; date: string | null }

export interface LogLine { raw: string; json: Record<string, unknown> | null; at: number; generation: number }

export interface InstanceOptions {
  hostname?: string;
  /** Loopback address every listener binds to (default 127.0.0.1), e.g. 127.0.0.31 for a second instance. */
  host?: string;
  /** Also listen for submission (STARTTLS) on a free port of `host`; the port is in `submissionPort`. */
  submission?: boolean;
  /** Also listen for IMAP (STARTTLS) and IMAPS (implicit TLS) on free ports of `host`: `imapPort`, `imapsPort`. */
  imap?: boolean;
  /** Merged into config.limits. Sizes may be strings like "100K". */
  limits?: Record<string, unknown>;
  /** Any further config changes, applied after listeners and limits. */
  editConfig?: (cfg: Record<string, unknown>) => void;
  domains?: string[];
  users?: string[];
  aliases?: Record<string, string[]>;
  /** Milliseconds to wait for the daemon to greet after spawn. */
  startTimeoutMs?: number;
}

const live = new Set<MailroomInstance>();

function emergencyCleanup(): void {
  for (const inst of live) inst.cleanupSync();
}
process.on('exit', emergencyCleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => { emergencyCleanup(); process.exit(128 + (os.constants.signals[sig] ?? 1)); });
}

export class MailroomInstance {
  readonly root: string;
  readonly dataDir: string;
  readonly host: string;
  port = 0;
  /** The submission (587-style, STARTTLS) port when options.submission is set, else 0. */
  submissionPort = 0;
  /** IMAP with STARTTLS and IMAP over implicit TLS when options.imap is set, else 0. */
  imapPort = 0;
  imapsPort = 0;
  child: ChildProcess | null = null;
  /** Every stdout line of every run of the daemon, parsed where it is JSON. */
  readonly logs: LogLine[] = [];
  stderr = '';
  generation = 0;
  private exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;
  private exited = true;

  private constructor(readonly options: InstanceOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-e2e-'));
    this.dataDir = path.join(this.root, 'data');
    live.add(this);
  }

  /** init, config rewrite, domains/users/aliases through the CLI, then serve. */
  static async start(options: InstanceOptions = {}): Promise<MailroomInstance> {
    const inst = new MailroomInstance(options);
    try {
      await inst.setup();
      await inst.spawnDaemon();
      return inst;
    } catch (err) {
      await inst.cleanup();
      throw err;
    }
  }

  /** Runs `mailroom --data DIR ARGS...`; throws when it exits non-zero unless allowFail. */
  async cli(args: string[], opts: { input?: string; allowFail?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    const res = await run(process.execPath, [MAILROOM_BIN, '--data', this.dataDir, ...args], { input: opts.input, timeoutMs: opts.timeoutMs ?? 30_000 });
    if (res.code !== 0 && !opts.allowFail) {
      throw new Error(`mailroom ${args.join(' ')} exited ${res.code ?? res.signal}: ${res.stderr.trim()} ${res.stdout.toString('utf8').trim()}`);
    }
    return res;
  }

  private async setup(): Promise<void> {
    await this.cli(['init', '--hostname', this.options.hostname ?? 'mx.e2e.test']);
    const file = path.join(this.dataDir, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    this.port = await getFreePort(this.host);
    if (this.options.submission) this.submissionPort = await getFreePort(this.host);
    if (this.options.imap) { this.imapPort = await getFreePort(this.host); this.imapsPort = await getFreePort(this.host); }
    cfg.listen = {
      smtp: `${this.host}:${this.port}`,
      submission: this.options.submission ? `${this.host}:${this.submissionPort}` : null, submissions: null,
      imap: this.options.imap ? `${this.host}:${this.imapPort}` : null, imaps: this.options.imap ? `${this.host}:${this.imapsPort}` : null,
      pop3: null, pop3s: null, admin: null, http: null,
    };
    // The test machine's free space must not trip the disk reserve.
    cfg.limits = { ...((cfg.limits as Record<string, unknown> | undefined) ?? {}), diskReserve: '1M', ...(this.options.limits ?? {}) };
    this.options.editConfig?.(cfg);
    writeFileSync(file, JSON.stringify(cfg, null, 2) + '\n');

    for (const d of this.options.domains ?? ['e2e.test']) await this.cli(['domain', 'add', d]);
    for (const u of this.options.users ?? []) await this.cli(['user', 'add', u, '--password-stdin'], { input: TEST_PASSWORD + '\n' });
    for (const [a, targets] of Object.entries(this.options.aliases ?? {})) await this.cli(['alias', 'add', a, targets.join(',')]);
  }

  private async spawnDaemon(): Promise<void> {
    this.generation++;
    const generation = this.generation;
    const child = spawn(process.execPath, [MAILROOM_BIN, '--data', this.dataDir, 'serve'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = false;
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => { this.exited = true; resolve({ code, signal }); });
    });
    let partial = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      partial += chunk;
      let i: number;
      while ((i = partial.indexOf('\n')) >= 0) {
        const raw = partial.slice(0, i);
        partial = partial.slice(i + 1);
        if (!raw.trim()) continue;
        let json: Record<string, unknown> | null = null;
        try { const v: unknown = JSON.parse(raw); if (v && typeof v === 'object') json = v as Record<string, unknown>; } catch { json = null; }
        this.logs.push({ raw, json, at: Date.now(), generation });
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => { this.stderr += chunk; if (this.stderr.length > 1_000_000) this.stderr = this.stderr.slice(-500_000); });
    await this.waitReady(this.options.startTimeoutMs ?? 60_000);
    if (this.options.imap) await this.waitImapReady(this.options.startTimeoutMs ?? 60_000);
  }

  /** Waits until the IMAP port greets with "* OK". */
  async waitImapReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`mailroom serve exited before IMAP was ready; stderr: ${this.stderr.slice(-2000)}`);
      last = await new Promise<string>((resolve) => {
        const sock = net.connect({ host: this.host, port: this.imapPort });
        let buf = '';
        const done = (v: string) => { sock.destroy(); resolve(v); };
        sock.setTimeout(2000, () => done('timeout'));
        sock.on('data', (d: Buffer) => { buf += d.toString('latin1'); if (buf.includes('\n')) done(buf.split('\r\n')[0]!); });
        sock.on('error', (e) => done(e.message));
      });
      if (last.startsWith('* OK')) return;
      await sleep(100);
    }
    throw new Error(`mailroom serve: IMAP not ready on port ${this.imapPort} after ${timeoutMs} ms (${last}); is listen.imap wired in mail/main.ts? ${this.tail(5)}`);
  }

  /** Waits until the port accepts and a 220 greeting arrives (then QUITs that probe). */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastErr = '';
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`mailroom serve exited before it was ready; stderr: ${this.stderr.slice(-2000)} stdout: ${this.logs.slice(-5).map((l) => l.raw).join('\n')}`);
      try {
        const c = await SmtpClient.connect(this.port, { host: this.host, timeoutMs: 2000 });
        try {
          const g = await c.readReply(3000);
          if (g.code === 220) { await c.quit(); return; }
          lastErr = `greeting ${g.text}`;
        } finally { c.destroy(); }
      } catch (err) {
        lastErr = (err as Error).message;
      }
      await sleep(100);
    }
    throw new Error(`mailroom serve not ready on port ${this.port} after ${timeoutMs} ms (${lastErr}); stderr: ${this.stderr.slice(-2000)}`);
  }

  get alive(): boolean { return !this.exited; }
  /** The self-signed certificate `mailroom init` made (for HOST, localhost and 127.0.0.1). */
  get certFile(): string { return path.join(this.dataDir, 'tls', 'cert.pem'); }
  get pid(): number | undefined { return this.child?.pid; }

  /** Resolves when the daemon exits, or rejects after timeoutMs. */
  waitExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exitPromise) return Promise.resolve({ code: null, signal: null });
    return withTimeout(this.exitPromise, timeoutMs, `mailroom serve (pid ${this.pid}) to exit`);
  }

  /** SIGTERM and wait for the exit; returns how it exited and how long it took. */
  async stop(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    if (this.exited || !this.child) return { code: null, signal: null, ms: 0 };
    const t0 = Date.now();
    this.child.kill('SIGTERM');
    try {
      const r = await this.waitExit(timeoutMs);
      return { ...r, ms: Date.now() - t0 };
    } catch (err) {
      this.child.kill('SIGKILL');
      await this.waitExit(5000).catch(() => undefined);
      throw err;
    }
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    if (this.exited || !this.child) return;
    this.child.kill('SIGKILL');
    await this.waitExit(5000);
  }

  /** Starts the daemon again on the same data directory and port (stopping it first if needed). */
  async restart(): Promise<void> {
    if (!this.exited) await this.stop();
    await this.spawnDaemon();
  }

  /** Stopping an already stopped daemon is fine. */
  async start(): Promise<void> {
    if (!this.exited) return;
    await this.spawnDaemon();
  }

  async mailLs(address: string, folder?: string): Promise<MailSummaryJson[]> {
    const res = await this.cli(['mail', 'ls', address, ...(folder ? ['--folder', folder] : []), '--json']);
    const text = res.stdout.toString('utf8');
    try {
      const v: unknown = JSON.parse(text);
      if (!Array.isArray(v)) throw new Error('not an array');
      return v as MailSummaryJson[];
    } catch (err) {
      throw new Error(`mail ls ${address} --json did not print a JSON array (${(err as Error).message}): ${text.slice(0, 500)}`);
    }
  }

  async mailCat(address: string, uid: number, folder?: string): Promise<Buffer> {
    const res = await this.cli(['mail', 'cat', address, String(uid), ...(folder ? ['--folder', folder] : [])]);
    return res.stdout;
  }

  /** Messages in the folder whose subject contains token. */
  async findBySubject(address: string, token: string, folder?: string): Promise<MailSummaryJson[]> {
    return (await this.mailLs(address, folder)).filter((m) => (m.subject ?? '').includes(token));
  }

  /** The log lines of the daemon, parsed. */
  jsonLogs(): Record<string, unknown>[] {
    return this.logs.filter((l) => l.json).map((l) => l.json!);
  }

  /** A short tail of the daemon's output, for assertion messages. */
  tail(n = 20): string {
    return this.logs.slice(-n).map((l) => l.raw).join('\n') + (this.stderr ? `\n[stderr] ${this.stderr.slice(-2000)}` : '');
  }

  async cleanup(): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill('SIGKILL');
      await this.waitExit(5000).catch(() => undefined);
    }
    rmSync(this.root, { recursive: true, force: true });
    live.delete(this);
  }

  cleanupSync(): void {
    try { if (this.child && !this.exited) this.child.kill('SIGKILL'); } catch { /* gone */ }
    try { rmSync(this.root, { recursive: true, force: true }); } catch { /* best effort */ }
    live.delete(this);
  }
}

// ---------------------------------------------------------------------------------------------
// Raw SMTP client

export interface Reply {
  code: number;
  /** Enhanced status code (5.1.1) of the first line, if any. */
  enhanced: string | null;
  lines: string[];
  text: string;
}

export class SmtpClosedError extends Error {
  constructor(msg = 'connection closed') { super(msg); }
}

export interface ConnectOptions { host?: string; localAddress?: string; timeoutMs?: number }

/**
 * A line-level SMTP client over net.Socket: write anything (hostile bytes included), read replies
 * (multi-line included), notice the close. Nothing is buffered past what the server sent.
 */
export class SmtpClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  error: Error | null = null;
  /** Every reply read, in order. */
  readonly replies: Reply[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
      this.wake();
    });
    socket.on('error', (e) => { this.error = e; });
    socket.on('close', () => { this.closed = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, opts: ConnectOptions = {}): Promise<SmtpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: opts.host ?? '127.0.0.1', localAddress: opts.localAddress });
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connect to ${port} timed out`)); }, opts.timeoutMs ?? 5000);
      socket.once('connect', () => { clearTimeout(timer); resolve(new SmtpClient(socket)); });
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
  }

  /** Connects and reads the greeting; throws unless it is 220. */
  static async open(port: number, opts: ConnectOptions & { ehlo?: string } = {}): Promise<SmtpClient> {
    const c = await SmtpClient.connect(port, opts);
    try {
      const g = await c.readReply(opts.timeoutMs ?? 5000);
      if (g.code !== 220) throw new Error(`greeting: ${g.text}`);
      if (opts.ehlo !== undefined) {
        const e = await c.command(`EHLO ${opts.ehlo}`);
        if (e.code !== 250) throw new Error(`EHLO: ${e.text}`);
      }
      return c;
    } catch (err) {
      c.destroy();
      throw err;
    }
  }

  /** Parses one complete reply from the buffer, or returns null if it is not complete yet. */
  private takeReply(): Reply | null {
    const lines: string[] = [];
    let pos = 0;
    for (;;) {
      const nl = this.buf.indexOf(0x0a, pos);
      if (nl < 0) return null;
      let line = this.buf.subarray(pos, nl).toString('utf8');
      if (line.endsWith('\r')) line = line.slice(0, -1);
      pos = nl + 1;
      lines.push(line);
      const m = /^(\d{3})([ -]?)/.exec(line);
      if (!m || m[2] !== '-') {
        this.buf = this.buf.subarray(pos);
        const code = m ? Number(m[1]) : 0;
        const first = lines[0]!;
        const enh = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(first);
        return { code, enhanced: enh ? enh[1]! : null, lines, text: lines.join('\n') };
      }
    }
  }

  /** Reads the next reply; throws SmtpClosedError if the server closes first, or on timeout. */
  async readReply(timeoutMs = 10_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.takeReply();
      if (r) { this.replies.push(r); return r; }
      if (this.closed) throw new SmtpClosedError(`connection closed while waiting for a reply${this.buf.length ? ` (partial: ${JSON.stringify(this.buf.toString('utf8').slice(0, 200))})` : ''}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms${this.buf.length ? ` (partial: ${JSON.stringify(this.buf.toString('utf8').slice(0, 200))})` : ''}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** The next reply, or 'closed', or 'timeout'. Never throws. */
  async tryReadReply(timeoutMs = 10_000): Promise<Reply | 'closed' | 'timeout'> {
    try { return await this.readReply(timeoutMs); } catch (err) {
      return err instanceof SmtpClosedError ? 'closed' : this.closed ? 'closed' : 'timeout';
    }
  }

  /** Every reply until the server closes or nothing more comes for quietMs (bounded by maxMs). */
  async readAll(quietMs = 1500, maxMs = 15_000): Promise<{ replies: Reply[]; closed: boolean }> {
    const out: Reply[] = [];
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline) {
      const r = await this.tryReadReply(Math.min(quietMs, deadline - Date.now()));
      if (r === 'closed') return { replies: out, closed: true };
      if (r === 'timeout') return { replies: out, closed: this.closed };
      out.push(r);
    }
    return { replies: out, closed: this.closed };
  }

  /** Writes raw bytes (no CRLF added). Never throws; a dead socket shows up as a closed read. */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) { resolve(); return; }
      this.socket.write(data, () => resolve());
    });
  }

  /** Writes a line with CRLF and reads the reply. */
  async command(line: string, timeoutMs = 10_000): Promise<Reply> {
    void this.write(line + '\r\n');
    return this.readReply(timeoutMs);
  }

  /** Waits until the server closes the connection; true if it did within timeoutMs. */
  async waitClose(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      // drain whatever arrives while waiting
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
      while (this.takeReply()) { /* discard */ }
    }
    return this.closed;
  }

  /** NOOP; true when it got 250. */
  async noop(timeoutMs = 3000): Promise<boolean> {
    void this.write('NOOP\r\n');
    const r = await this.tryReadReply(timeoutMs);
    return r !== 'closed' && r !== 'timeout' && r.code === 250;
  }

  async quit(): Promise<void> {
    if (!this.closed) {
      await this.tryReadReplyAfter('QUIT');
    }
    this.destroy();
  }

  private async tryReadReplyAfter(line: string): Promise<Reply | 'closed' | 'timeout'> {
    void this.write(line + '\r\n');
    return this.tryReadReply(2000);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Dot-stuffs a message and adds the terminating <CRLF>.<CRLF>. The message must use CRLF. */
export function dotStuff(message: string | Buffer): Buffer {
  const buf = Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
  let text = buf.toString('latin1');
  if (!text.endsWith('\r\n')) text += '\r\n';
  text = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(text + '.\r\n', 'latin1');
}

export interface DeliveryResult {
  /** 250 after the final dot. */
  ok: boolean;
  mail: Reply | null;
  rcpts: Reply[];
  data: Reply | null;
  final: Reply | null;
}

/**
 * One plain SMTP transaction over the raw client: EHLO, MAIL, RCPT..., DATA, body, QUIT.
 * Throws only on connection problems; refusals are returned.
 */
export async function rawDeliver(port: number, opts: { from: string; to: string[]; message: string | Buffer; mailParams?: string; ehlo?: string; host?: string; localAddress?: string; timeoutMs?: number }): Promise<DeliveryResult> {
  const t = opts.timeoutMs ?? 10_000;
  const c = await SmtpClient.open(port, { ehlo: opts.ehlo ?? 'client.e2e.test', host: opts.host, localAddress: opts.localAddress, timeoutMs: t });
  const res: DeliveryResult = { ok: false, mail: null, rcpts: [], data: null, final: null };
  try {
    res.mail = await c.command(`MAIL FROM:<${opts.from}>${opts.mailParams ? ' ' + opts.mailParams : ''}`, t);
    if (res.mail.code !== 250) return res;
    for (const r of opts.to) res.rcpts.push(await c.command(`RCPT TO:<${r}>`, t));
    if (!res.rcpts.some((r) => r.code === 250 || r.code === 251)) return res;
    res.data = await c.command('DATA', t);
    if (res.data.code !== 354) return res;
    void c.write(dotStuff(opts.message));
    res.final = await c.readReply(t);
    res.ok = res.final.code === 250;
    return res;
  } finally {
    await c.quit().catch(() => undefined);
  }
}

/** Checks that every LF is preceded by CR and every CR followed by LF. */
export function hasBareLineEndings(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a && (i === 0 || buf[i - 1] !== 0x0d)) return true;
    if (buf[i] === 0x0d && buf[i + 1] !== 0x0a) return true;
  }
  return false;
}

/** Splits a raw message into its header block (text) and body (bytes). */
export function splitMessage(raw: Buffer): { header: string; body: Buffer } {
  let i = raw.indexOf('\r\n\r\n');
  let sep = 4;
  const j = raw.indexOf('\n\n');
  if (i < 0 || (j >= 0 && j < i)) { i = j; sep = 2; }
  if (i < 0) return { header: raw.toString('utf8'), body: Buffer.alloc(0) };
  return { header: raw.subarray(0, i).toString('utf8'), body: raw.subarray(i + sep) };
}

/** Unfolded header fields, in order, as [lower-case name, value]. */
export function headerFields(header: string): [string, string][] {
  const unfolded = header.replace(/\r?\n[ \t]/g, ' ');
  const out: [string, string][] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const k = line.indexOf(':');
    if (k > 0) out.push([line.slice(0, k).trim().toLowerCase(), line.slice(k + 1).trim()]);
  }
  return out;
}

/** Polls fn until it returns a truthy value or the time is up. */
export async function waitFor<T>(fn: () => Promise<T> | T, timeoutMs: number, what: string, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timeout after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}
