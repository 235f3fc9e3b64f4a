// A private Postfix instance in a temporary directory: smtpd on a free loopback port, virtual(8)
// delivery of one domain into Maildirs under the same directory. See shared/PEERS.md for why each
// step is here. Nothing it does reaches past loopback: DNS lookups are switched off.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sleep, tailFile, waitForSmtp } from './proc.js';

const DEFAULT_MAIN_CF = '/etc/postfix/main.cf';

export interface PostfixOptions {
  port: number;
  domain: string;
  users: string[];
  /** Where mail for other domains goes, e.g. "[127.0.0.1]:2525" (main.cf relayhost). */
  relayhost?: string;
  /** More main.cf lines, after the bench's own (a later line wins). */
  extraMainCf?: string[];
}

export class PostfixInstance {
  readonly dir: string;
  readonly confDir: string;
  readonly mailBase: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exited = false;
  /** Whether we created /etc/postfix/main.cf (then we remove it) or only added a line to it. */
  private createdDefaultMainCf = false;
  private registered = false;

  constructor(private readonly opts: PostfixOptions) {
    this.dir = mkdtempSync('/tmp/mailroom-bench-postfix-');
    this.confDir = path.join(this.dir, 'etc');
    this.mailBase = path.join(this.dir, 'mail');
    this.logFile = path.join(this.dir, 'postfix.log');
  }

  get port(): number {
    return this.opts.port;
  }

  get pid(): number | null {
    return this.child && !this.exited ? this.child.pid ?? null : null;
  }

  async start(): Promise<void> {
    const { port, domain, users } = this.opts;
    for (const d of [this.dir, this.confDir, this.mailBase, path.join(this.dir, 'queue'), path.join(this.dir, 'data')]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o755);
    }
    // virtual(8) delivers as uid/gid 8 (mail); it creates the Maildir below the base itself.
    spawnSync('chown', ['8:8', this.mailBase]);
    const mailboxes = users.map((u) => `${u}@${domain}=${u}/Maildir/`).join(', ');
    const mainCf = [
      'compatibility_level = 3.6',
      `queue_directory = ${this.dir}/queue`,
      `data_directory = ${this.dir}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = postfix.bench.test',
      'mydomain = bench.test',
      'myorigin = $myhostname',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'maillog_file = /dev/stdout',
      'alias_maps =',
      'alias_database =',
      'biff = no',
      // No DNS anywhere: the resolver in /etc/resolv.conf is not on loopback.
      'smtpd_peername_lookup = no',
      'smtp_dns_support_level = disabled',
      'smtp_host_lookup = native',
      `virtual_mailbox_domains = ${domain}`,
      `virtual_mailbox_base = ${this.mailBase}`,
      `virtual_mailbox_maps = inline:{ ${mailboxes} }`,
      'virtual_uid_maps = static:8',
      'virtual_gid_maps = static:8',
      // uid 8 (mail) is below virtual(8)'s default floor of 100.
      'virtual_minimum_uid = 8',
      'smtpd_banner = $myhostname ESMTP',
      ...(this.opts.relayhost ? [`relayhost = ${this.opts.relayhost}`] : []),
      ...(this.opts.extraMainCf ?? []),
      '',
    ].join('\n');
    writeFileSync(path.join(this.confDir, 'main.cf'), mainCf);
    // Debian's master.cf with our listener instead of port 25 and no chroot (the chroot would
    // need a copy of /etc files under the queue directory).
    const dist = readFileSync('/usr/share/postfix/master.cf.dist', 'utf8');
    const masterCf = dist.split('\n').map((line) => {
      if (/^\s|^#|^$/.test(line)) return line;
      const f = line.split(/\s+/);
      if (f.length < 8) return line;
      if (f[0] === 'smtp' && f[1] === 'inet') f[0] = `127.0.0.1:${port}`;
      f[4] = 'n';
      return f.join('  ');
    }).join('\n');
    writeFileSync(path.join(this.confDir, 'master.cf'), masterCf);
    this.registerConfigDir();
    const perms = spawnSync('postfix', ['-c', this.confDir, 'set-permissions'], { encoding: 'utf8' });
    if (perms.status !== 0) throw new Error(`postfix set-permissions failed: ${perms.stderr}${perms.stdout}`);
    const check = spawnSync('postfix', ['-c', this.confDir, 'check'], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`postfix check failed: ${check.stderr}${check.stdout}`);
    const log = openSync(this.logFile, 'a');
    this.child = spawn('postfix', ['-c', this.confDir, 'start-fg'], { stdio: ['ignore', log, log] });
    this.child.on('exit', () => { this.exited = true; });
    await waitForSmtp(port, 20000, () => !this.exited).catch((err: Error) => {
      throw new Error(`${err.message}\n--- ${this.logFile} ---\n${this.tailLog()}`);
    });
  }

  tailLog(lines = 30): string {
    return tailFile(this.logFile, lines);
  }

  /** Messages delivered to user's Maildir (new/ and cur/). */
  delivered(user: string): number {
    let n = 0;
    for (const sub of ['new', 'cur']) {
      const d = path.join(this.mailBase, user, 'Maildir', sub);
      if (existsSync(d)) n += readdirSync(d).length;
    }
    return n;
  }

  /** Messages in the queue (postqueue -j prints one JSON object per message). */
  queued(): number {
    const r = spawnSync('postqueue', ['-c', this.confDir, '-j'], { encoding: 'utf8', timeout: 30000 });
    if (r.status !== 0) throw new Error(`postqueue -j failed: ${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l.startsWith('{')).length;
  }

  /** Postfix refuses a config dir unless the default main.cf lists it (PEERS.md). */
  private registerConfigDir(): void {
    let text = '';
    if (existsSync(DEFAULT_MAIN_CF)) {
      text = readFileSync(DEFAULT_MAIN_CF, 'utf8');
    } else {
      this.createdDefaultMainCf = true;
      text = '# Written by mailroom bench/ for a private Postfix instance; removed when the bench ends.\n';
    }
    const re = /^alternate_config_directories\s*=(.*)$/m;
    const m = re.exec(text);
    if (m) {
      const dirs = m[1]!.split(/[\s,]+/).filter(Boolean);
      if (!dirs.includes(this.confDir)) text = text.replace(re, `alternate_config_directories =${[...dirs, this.confDir].map((d) => ' ' + d).join('')}`);
    } else {
      text = text.replace(/\n?$/, '\n') + `alternate_config_directories = ${this.confDir}\n`;
    }
    writeFileSync(DEFAULT_MAIN_CF, text);
    this.registered = true;
  }

  private unregisterConfigDir(): void {
    if (!this.registered) return;
    this.registered = false;
    if (this.createdDefaultMainCf) {
      rmSync(DEFAULT_MAIN_CF, { force: true });
      return;
    }
    if (!existsSync(DEFAULT_MAIN_CF)) return;
    const text = readFileSync(DEFAULT_MAIN_CF, 'utf8');
    const re = /^alternate_config_directories\s*=(.*)$/m;
    const m = re.exec(text);
    if (!m) return;
    const dirs = m[1]!.split(/[\s,]+/).filter((d) => d && d !== this.confDir);
    const out = dirs.length ? text.replace(re, `alternate_config_directories = ${dirs.join(' ')}`) : text.replace(/^alternate_config_directories\s*=.*\n?/m, '');
    writeFileSync(DEFAULT_MAIN_CF, out);
  }

  async stop(keepDir = false): Promise<void> {
    if (this.child && !this.exited) {
      spawnSync('postfix', ['-c', this.confDir, 'stop'], { encoding: 'utf8' });
      const deadline = Date.now() + 10000;
      while (!this.exited && Date.now() < deadline) await sleep(50);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    this.unregisterConfigDir();
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** For exit handlers: synchronous best effort. */
  stopSync(): void {
    if (this.child && !this.exited) {
      spawnSync('postfix', ['-c', this.confDir, 'stop'], { encoding: 'utf8', timeout: 10000 });
    }
    this.unregisterConfigDir();
  }
}
