// A private Dovecot 2.3 instance for the IMAP benchmark: its own config, base_dir, logs and
// mail in a temporary directory, IMAP without TLS on a free loopback port, started in the
// foreground (`dovecot -F -c FILE`) so the benchmark holds the master's pid and can measure
// the master and every child it forks. stop() always removes the directory (unless kept).
//
// Mail storage is Maildir (~/Maildir): what a Debian admin gets when Postfix (or any MDA)
// delivers and Dovecot serves, and the format mbsync users know; sdbox would be faster but only
// Dovecot can read it. passdb is a passwd-file whose entries carry their own scheme, so one
// instance can hold cheap (SHA512-CRYPT) and costly (BLF-CRYPT) users side by side; userdb is
// static: every user runs as `mail` with its home under the temp dir. fsync settings are left at
// their defaults (mail_fsync = optimized).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { imapGreets } from './imap-probe.js';
import { sleep, tailFile } from './proc.js';

export interface DovecotUser {
  /** Login name (user@domain). */
  name: string;
  password: string;
  /** A doveadm pw scheme, e.g. SHA512-CRYPT or BLF-CRYPT; rounds for schemes that take them. */
  scheme: string;
  rounds?: number;
}

export interface DovecotOptions {
  port: number;
  users: DovecotUser[];
  /** Connections the instance must take at once (login and imap processes, anvil, auth). */
  maxConnections: number;
  /**
   * Seconds of IDLE after which an imap process hands its client to imap-hibernate and exits
   * (Dovecot's own answer to many idle clients); 0 = off, Dovecot's default.
   */
  hibernateAfter?: number;
  /**
   * Dovecot's authentication cache (auth_cache_size, auth_cache_ttl); null or absent = off,
   * Dovecot's default. On a hit Dovecot skips the passdb lookup but still checks the password
   * against the cached hash (src/auth/passdb-cache.c), so the hash's cost stays.
   */
  authCache?: AuthCacheSettings | null;
}

export interface AuthCacheSettings {
  /** auth_cache_size, as Dovecot writes sizes (e.g. 10M). */
  size: string;
  /** auth_cache_ttl in seconds. */
  ttlSeconds: number;
}

/** What the benchmark's cached variant uses: 10M, and a TTL of Mailroom's credential cache (10 min). */
export const BENCH_AUTH_CACHE: AuthCacheSettings = { size: '10M', ttlSeconds: 600 };

const MAIL_UID = 'mail';

/** `user@domain` -> a directory name under home/. */
export function homeOf(root: string, user: string): string {
  const [local, domain] = user.split('@');
  return path.join(root, 'home', domain ?? 'local', local!);
}

export class DovecotInstance {
  readonly dir: string;
  readonly confFile: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exited = true;
  private exitInfo = '';

  constructor(readonly opts: DovecotOptions) {
    this.dir = mkdtempSync('/tmp/mailroom-bench-dovecot-');
    // Dovecot's unprivileged processes (dovenull, mail) must reach the base_dir and homes.
    chmodSync(this.dir, 0o755);
    this.confFile = path.join(this.dir, 'dovecot.conf');
    this.logFile = path.join(this.dir, 'dovecot.log');
  }

  get port(): number { return this.opts.port; }
  get pid(): number | null { return this.child && !this.exited ? this.child.pid ?? null : null; }
  get alive(): boolean { return !this.exited; }

  /** The Maildir of a user (Dovecot's INBOX). */
  maildir(user: string): string {
    return path.join(homeOf(this.dir, user), 'Maildir');
  }

  /** Writes the config, the passwd-file and empty Maildirs (owned by mail). */
  prepare(): void {
    const passwd = this.opts.users.map((u) => `${u.name}:${hashPassword(u)}::::::`).join('\n') + '\n';
    // Read by the auth process, which runs as the dovecot user; it holds bench hashes only.
    writeFileSync(path.join(this.dir, 'passwd'), passwd, { mode: 0o644 });
    mkdirSync(path.join(this.dir, 'run'), { recursive: true });
    for (const u of this.opts.users) {
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(this.maildir(u.name), sub), { recursive: true });
    }
    writeFileSync(this.confFile, this.config());
  }

  /** Gives the homes to the mail user; call after writing messages into them. */
  chownHomes(): void {
    const r = spawnSync('chown', ['-R', `${MAIL_UID}:${MAIL_UID}`, path.join(this.dir, 'home')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chown of the Dovecot homes failed: ${r.stderr}`);
  }

  config(): string {
    const n = this.opts.maxConnections;
    // Room for every client in anvil and auth, within the 20,000 descriptors the run allows.
    const listenerLimit = Math.min(2 * n + 1000, 19000);
    const hib = this.opts.hibernateAfter ?? 0;
    const cache = this.opts.authCache ?? null;
    return `# Written by mailroom bench/lib/dovecot-instance.ts for one benchmark run.
base_dir = ${this.dir}/run
state_dir = ${this.dir}/state
log_path = ${this.logFile}
info_log_path = ${this.logFile}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
${cache ? `auth_cache_size = ${cache.size}
auth_cache_ttl = ${cache.ttlSeconds}s
` : ''}first_valid_uid = 8
mail_location = maildir:~/Maildir
mail_privileged_group = mail
passdb {
  driver = passwd-file
  args = scheme=CRYPT ${this.dir}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${this.dir}/home/%d/%n
}
# Many clients of one account from one address (the benchmark's loopback): the default of 10
# would refuse the parallel clients.
mail_max_userip_connections = ${n}
# ${n} connections at once: one imap process per client (Dovecot's default client_limit = 1),
# login processes in high-performance mode (each serves many clients), and enough room in anvil,
# auth and the master's listeners for all of them.
default_process_limit = ${n + 100}
default_client_limit = ${listenerLimit}
default_vsz_limit = 1G
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.opts.port}
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  process_min_avail = 2
  client_limit = ${n + 100}
}
service imap {
  process_limit = ${n + 100}
  client_limit = 1
${hib > 0 ? `  # imap-hibernate (running as the internal user) hands clients back through this socket.
  unix_listener imap-master {
    user = $default_internal_user
  }
` : ''}}
service anvil {
  client_limit = ${listenerLimit}
}
service auth {
  client_limit = ${listenerLimit}
}
${hib > 0 ? `imap_hibernate_timeout = ${hib}s
service imap-hibernate {
  client_limit = ${n + 100}
  # imap processes (uid mail) hand their idle clients over through this socket.
  unix_listener imap-hibernate {
    mode = 0660
    group = ${MAIL_UID}
  }
}
` : ''}`;
  }

  /** Turns IDLE hibernation on (seconds) or off (0) in the running instance: rewrite, reload. */
  async setHibernation(seconds: number): Promise<void> {
    this.opts.hibernateAfter = seconds;
    await this.reload();
  }

  /**
   * Turns the authentication cache on (settings) or off (null) in the running instance: rewrite,
   * reload. The reload restarts the auth process, so the cache starts empty either way.
   */
  async setAuthCache(cache: AuthCacheSettings | null): Promise<void> {
    if ((this.opts.authCache ?? null) === cache) return;
    this.opts.authCache = cache;
    await this.reload();
  }

  private async reload(): Promise<void> {
    writeFileSync(this.confFile, this.config());
    const r = spawnSync('doveadm', ['-c', this.confFile, 'reload'], { encoding: 'utf8', timeout: 15000 });
    if (r.status !== 0) throw new Error(`doveadm reload: ${r.stderr}`);
    // The master restarts its services; wait until the listener greets again.
    await sleep(1000);
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && !(await imapGreets(this.opts.port))) await sleep(200);
  }

  async start(timeoutMs = 20000): Promise<void> {
    this.child = spawn('dovecot', ['-F', '-c', this.confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = false;
    let out = '';
    this.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    this.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    this.child.on('exit', (code, signal) => { this.exited = true; this.exitInfo = `exit ${code ?? signal}: ${out.trim()}`; });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`dovecot exited at start (${this.exitInfo})\n--- ${this.logFile} ---\n${tailFile(this.logFile)}`);
      if (await imapGreets(this.opts.port)) return;
      await sleep(100);
    }
    throw new Error(`dovecot did not greet on 127.0.0.1:${this.opts.port} within ${timeoutMs} ms\n${tailFile(this.logFile)}`);
  }

  /** Warnings Dovecot logged (e.g. limits it thinks too low), for the report. */
  warnings(): string[] {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').filter((l) => /Warning|Error|Fatal|Panic/.test(l)).slice(-50);
    } catch {
      return [];
    }
  }

  async stop(keepDir = false): Promise<void> {
    if (this.child && !this.exited) {
      spawnSync('doveadm', ['-c', this.confFile, 'stop'], { encoding: 'utf8', timeout: 15000 });
      const deadline = Date.now() + 15000;
      while (!this.exited && Date.now() < deadline) await sleep(50);
      if (!this.exited) this.child.kill('SIGKILL');
      await sleep(200);
    }
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  stopSync(): void {
    if (this.child && !this.exited) {
      spawnSync('doveadm', ['-c', this.confFile, 'stop'], { encoding: 'utf8', timeout: 15000 });
      try { this.child.kill('SIGKILL'); } catch { /* gone */ }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const hashCache = new Map<string, string>();

/** `doveadm pw`, once per (scheme, rounds, password): a passwd-file may repeat a hash. */
export function hashPassword(u: DovecotUser): string {
  const key = `${u.scheme}\0${u.rounds ?? ''}\0${u.password}`;
  const hit = hashCache.get(key);
  if (hit) return hit;
  const args = ['pw', '-s', u.scheme, '-p', u.password, ...(u.rounds ? ['-r', String(u.rounds)] : [])];
  const r = spawnSync('doveadm', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`doveadm ${args.join(' ')}: ${r.stderr}`);
  const hash = r.stdout.trim();
  hashCache.set(key, hash);
  return hash;
}

const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

/**
 * Each imap process watches its mailbox with one inotify instance, all under the mail uid; past
 * the kernel's per-user limit (128 by default) Dovecot disables inotify and IDLE falls back to
 * polling every 30 s. An admin serving thousands of clients raises the limit, so the benchmark
 * does too, for the run only. Returns the function that puts the old value back.
 */
export function raiseInotifyInstances(atLeast: number): () => void {
  let old: string;
  try {
    old = readFileSync(INOTIFY_INSTANCES, 'utf8').trim();
  } catch {
    return () => undefined;
  }
  if (Number(old) >= atLeast) return () => undefined;
  try {
    writeFileSync(INOTIFY_INSTANCES, String(atLeast));
  } catch {
    return () => undefined;
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    try { writeFileSync(INOTIFY_INSTANCES, old); } catch { /* best effort */ }
  };
}
