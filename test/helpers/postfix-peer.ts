// Debian's Postfix as a test peer (see shared/PEERS.md): a private instance in a temporary
// directory, listening on one loopback address and port, delivering one virtual domain into
// Maildirs below the same directory and relaying other domains through transport_maps; plus
// Postfix's smtp-sink with its failure switches. Loopback only: Postfix's DNS is switched off.
//
// Postfix refuses a config directory that /etc/postfix/main.cf does not list in
// alternate_config_directories. Two test files may run at once, so the read-modify-write of that
// line is done under a lock (an atomic mkdir), each instance adds and removes only its own entry,
// and the file is removed only when we created it and no entry is left.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, renameSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const DEFAULT_MAIN_CF = '/etc/postfix/main.cf';
const LOCK_DIR = '/tmp/mailroom-test-postfix-main-cf.lock';
const MARKER = '# Written by mailroom test/helpers/postfix-peer.ts for private Postfix instances; removed when the last one stops.';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function postfixAvailable(): boolean {
  return existsSync('/usr/sbin/postfix') && existsSync('/usr/sbin/smtp-sink') && existsSync('/usr/share/postfix/master.cf.dist');
}

/** Whether host:port can be bound now. */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A port free on every one of the given loopback addresses (MX hosts share outbound.port). */
export async function freePortOnAll(hosts: string[]): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    let ok = true;
    for (const h of hosts) if (!(await portFree(h, port))) { ok = false; break; }
    if (ok) return port;
  }
  throw new Error(`no port free on all of ${hosts.join(', ')}`);
}

/** Resolves when host:port greets with 220. */
export async function waitSmtp(host: string, port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`server exited before listening on ${host}:${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      let buf = '';
      const done = (v: boolean, why?: string) => { if (why) last = why; s.destroy(); resolve(v); };
      s.setTimeout(2000, () => done(false, 'timeout'));
      s.on('data', (d) => { buf += d.toString('latin1'); if (buf.includes('\n')) { if (buf.startsWith('220')) { s.end('QUIT\r\n'); resolve(true); } else done(false, buf.trim()); } });
      s.on('error', (e) => done(false, e.message));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing answered SMTP on ${host}:${port} within ${timeoutMs} ms (${last})`);
}

function withMainCfLock<T>(fn: () => T): T {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try { mkdirSync(LOCK_DIR); break; } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try { if (Date.now() - statSync(LOCK_DIR).mtimeMs > 30_000) { rmSync(LOCK_DIR, { recursive: true, force: true }); continue; } } catch { continue; }
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK_DIR}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try { return fn(); } finally { rmSync(LOCK_DIR, { recursive: true, force: true }); }
}

const ALT_RE = /^alternate_config_directories\s*=(.*)$/m;

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.mailroom-test.${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function registerConfigDir(dir: string): void {
  withMainCfLock(() => {
    let text = existsSync(DEFAULT_MAIN_CF) ? readFileSync(DEFAULT_MAIN_CF, 'utf8') : MARKER + '\n';
    const m = ALT_RE.exec(text);
    if (m) {
      const dirs = m[1]!.split(/[\s,]+/).filter(Boolean);
      if (!dirs.includes(dir)) text = text.replace(ALT_RE, `alternate_config_directories = ${[...dirs, dir].join(' ')}`);
    } else {
      text = text.replace(/\n?$/, '\n') + `alternate_config_directories = ${dir}\n`;
    }
    writeAtomically(DEFAULT_MAIN_CF, text);
  });
}

function unregisterConfigDir(dir: string): void {
  withMainCfLock(() => {
    if (!existsSync(DEFAULT_MAIN_CF)) return;
    const text = readFileSync(DEFAULT_MAIN_CF, 'utf8');
    const m = ALT_RE.exec(text);
    if (!m) return;
    const dirs = m[1]!.split(/[\s,]+/).filter((d) => d && d !== dir);
    if (dirs.length === 0 && text.startsWith(MARKER)) { rmSync(DEFAULT_MAIN_CF, { force: true }); return; }
    const out = dirs.length ? text.replace(ALT_RE, `alternate_config_directories = ${dirs.join(' ')}`) : text.replace(/^alternate_config_directories\s*=.*\n?/m, '');
    writeAtomically(DEFAULT_MAIN_CF, out);
  });
}

export interface PostfixPeerOptions {
  host: string;
  port: number;
  hostname: string;
  /** The virtual domain delivered into Maildirs. */
  domain: string;
  users: string[];
  /** transport_maps entries, e.g. { 'alpha.test': 'smtp:[127.0.0.53]:2525' }. */
  transports?: Record<string, string>;
}

const livePostfix = new Set<PostfixPeer>();
process.on('exit', () => { for (const p of livePostfix) p.stopSync(); });

export class PostfixPeer {
  readonly dir: string;
  readonly confDir: string;
  readonly mailBase: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exited = false;
  private registered = false;

  constructor(readonly opts: PostfixPeerOptions) {
    this.dir = mkdtempSync('/tmp/mailroom-test-postfix-');
    this.confDir = path.join(this.dir, 'etc');
    this.mailBase = path.join(this.dir, 'mail');
    this.logFile = path.join(this.dir, 'postfix.log');
    livePostfix.add(this);
  }

  static async start(opts: PostfixPeerOptions): Promise<PostfixPeer> {
    const p = new PostfixPeer(opts);
    try { await p.start(); return p; } catch (err) { await p.stop(); throw err; }
  }

  private async start(): Promise<void> {
    const { host, port, hostname, domain, users, transports } = this.opts;
    for (const d of [this.dir, this.confDir, this.mailBase, path.join(this.dir, 'queue'), path.join(this.dir, 'data')]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o755);
    }
    spawnSync('chown', ['8:8', this.mailBase]);
    const mailboxes = users.map((u) => `${u}@${domain}=${u}/Maildir/`).join(', ');
    const tmap = Object.entries(transports ?? {}).map(([d, t]) => `${d}=${t}`).join(', ');
    const mainCf = [
      'compatibility_level = 3.6',
      `queue_directory = ${this.dir}/queue`,
      `data_directory = ${this.dir}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      `myhostname = ${hostname}`,
      `mydomain = ${domain}`,
      'myorigin = $mydomain',
      'mydestination =',
      // Postfix accepts only addresses of a real interface here (127.0.0.1 is the only one on lo);
      // the smtpd listener address comes from master.cf instead.
      'inet_interfaces = loopback-only',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'maillog_file = /dev/stdout',
      'alias_maps =',
      'alias_database =',
      'biff = no',
      'smtpd_peername_lookup = no',
      'smtp_dns_support_level = disabled',
      'smtp_host_lookup = native',
      `virtual_mailbox_domains = ${domain}`,
      `virtual_mailbox_base = ${this.mailBase}`,
      `virtual_mailbox_maps = inline:{ ${mailboxes} }`,
      'virtual_uid_maps = static:8',
      'virtual_gid_maps = static:8',
      'virtual_minimum_uid = 8',
      ...(tmap ? [`transport_maps = inline:{ ${tmap} }`] : []),
      // Retry quickly in tests should the next hop be slow to come up.
      'queue_run_delay = 1s',
      'minimal_backoff_time = 1s',
      'maximal_backoff_time = 2s',
      'smtpd_banner = $myhostname ESMTP',
      '',
    ].join('\n');
    writeFileSync(path.join(this.confDir, 'main.cf'), mainCf);
    const dist = readFileSync('/usr/share/postfix/master.cf.dist', 'utf8');
    const masterCf = dist.split('\n').map((line) => {
      if (/^\s|^#|^$/.test(line)) return line;
      const f = line.split(/\s+/);
      if (f.length < 8) return line;
      if (f[0] === 'smtp' && f[1] === 'inet') f[0] = `${host}:${port}`;
      f[4] = 'n';
      return f.join('  ');
    }).join('\n');
    writeFileSync(path.join(this.confDir, 'master.cf'), masterCf);
    registerConfigDir(this.confDir);
    this.registered = true;
    const perms = spawnSync('postfix', ['-c', this.confDir, 'set-permissions'], { encoding: 'utf8' });
    if (perms.status !== 0) throw new Error(`postfix set-permissions failed (${perms.status} ${perms.signal} ${perms.error?.message}): ${perms.stderr}${perms.stdout}`);
    const check = spawnSync('postfix', ['-c', this.confDir, 'check'], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`postfix check failed: ${check.stderr}${check.stdout}`);
    const log = openSync(this.logFile, 'a');
    this.child = spawn('postfix', ['-c', this.confDir, 'start-fg'], { stdio: ['ignore', log, log] });
    closeSync(log);
    this.child.on('exit', () => { this.exited = true; });
    await waitSmtp(host, port, 20_000, () => !this.exited).catch((err: Error) => { throw new Error(`${err.message}\n${this.tailLog()}`); });
  }

  tailLog(lines = 30): string {
    try { return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
  }

  /** Paths of the messages in user's Maildir (new/ and cur/). */
  maildirFiles(user: string): string[] {
    const out: string[] = [];
    for (const sub of ['new', 'cur']) {
      const d = path.join(this.mailBase, user, 'Maildir', sub);
      if (existsSync(d)) for (const f of readdirSync(d)) out.push(path.join(d, f));
    }
    return out;
  }

  async stop(): Promise<void> {
    if (this.child && !this.exited) {
      spawnSync('postfix', ['-c', this.confDir, 'stop'], { encoding: 'utf8', timeout: 15_000 });
      const deadline = Date.now() + 10_000;
      while (!this.exited && Date.now() < deadline) await sleep(50);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    if (this.registered) { this.registered = false; unregisterConfigDir(this.confDir); }
    rmSync(this.dir, { recursive: true, force: true });
    livePostfix.delete(this);
  }

  stopSync(): void {
    if (this.child && !this.exited) spawnSync('postfix', ['-c', this.confDir, 'stop'], { encoding: 'utf8', timeout: 10_000 });
    if (this.registered) { this.registered = false; try { unregisterConfigDir(this.confDir); } catch { /* best effort */ } }
    try { rmSync(this.dir, { recursive: true, force: true }); } catch { /* best effort */ }
    livePostfix.delete(this);
  }
}

const liveSinks = new Set<ChildProcess>();
process.on('exit', () => { for (const c of liveSinks) try { c.kill('SIGKILL'); } catch { /* gone */ } });

/**
 * Postfix's smtp-sink on host:port. `flags` are its failure switches, e.g. ['-r', 'RCPT'] (4xx),
 * ['-f', 'RCPT'] (5xx), ['-q', 'DATA'] (drop the connection). Each accepted transaction is dumped
 * to a file in `dumpDir` (made writable for the unprivileged user it runs as).
 */
export class SmtpSink {
  private exited = false;
  private constructor(private readonly child: ChildProcess, readonly host: string, readonly port: number, private readonly stderr: () => string) {
    child.on('exit', () => { this.exited = true; liveSinks.delete(child); });
  }

  static async start(host: string, port: number, dumpDir: string, flags: string[] = []): Promise<SmtpSink> {
    mkdirSync(dumpDir, { recursive: true });
    chmodSync(dumpDir, 0o777);
    const child = spawn('/usr/sbin/smtp-sink', [...(process.env.SINK_VERBOSE ? ['-v'] : []), '-u', 'nobody', '-d', path.join(dumpDir, 'msg.'), ...flags, `${host}:${port}`, '64'], { stdio: ['ignore', 'ignore', 'pipe'] });
    liveSinks.add(child);
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    const sink = new SmtpSink(child, host, port, () => err);
    await waitSmtp(host, port, 10_000, () => !sink.exited).catch((e: Error) => { throw new Error(`smtp-sink: ${e.message}; ${err}`); });
    return sink;
  }

  get errors(): string { return this.stderr(); }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([gone, sleep(3000)]);
    if (!this.exited) { this.child.kill('SIGKILL'); await gone; }
  }
}

/** Contents of the files in dir. */
export function readDumps(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'latin1'));
}
