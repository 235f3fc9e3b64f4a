// Debian's rspamd 3.4 as a test peer (see shared/PEERS.md): a private instance whose config is a
// copy of /etc/rspamd in a temporary directory with the appliance's own local.d
// (provisioning/etc/rspamd/local.d, what the image installs into /etc/rspamd/local.d) and not
// the host's, its normal and controller workers on free 127.0.0.1 ports, and, unless
// `testRules: false`, test rules that make every action reachable from a Subject line:
//
//   GTUBE in the body                -> reject (rspamd's own test pattern)
//   Subject contains JUNK_SUBJECT    -> add header (score 10; add_header is 6, reject 60)
//   Subject contains REWRITE_SUBJECT -> rewrite subject (score 40; rewrite_subject is 30)
//   Subject contains SOFT_SUBJECT    -> soft reject (force_actions)
//   anything else                    -> no action (greylist is switched off)
//
// The fixture's own settings go to override.d where the appliance ships a local.d file of the
// same name (rspamd reads override.d last, key by key), so the appliance's settings stay as
// shipped: the benchmark measures the configuration the appliance runs.
//
// rspamd compiles the public-suffix list with Hyperscan before its workers start (15 s to a
// minute for Debian's 9,600 names); the fixture gives it a list of a few test suffixes instead,
// and rspamd is ready in 2 to 4 s. Its regular expressions compile
// in the background meanwhile. Every file it writes stays in the temporary directory (the Bayes
// files and learn cache go to DBDIR). Stopped by the process id we started; the temporary
// directory is removed. Spawning, readiness and stopping are shared with clamd's fixture
// (peer-process.ts).

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PeerFixture } from './peer-fixture.js';
import { freeLoopbackPort } from './peer-process.js';

export const RSPAMD_BIN = '/usr/bin/rspamd';

/** The appliance's rspamd settings (installed into /etc/rspamd/local.d by provisioning/install-into.sh). */
export const APPLIANCE_RSPAMD_LOCAL_D = findApplianceLocalD();

function findApplianceLocalD(): string {
  // Compiled into dist*/test/helpers or run from test/helpers: the repository is above.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'provisioning', 'etc', 'rspamd', 'local.d');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('provisioning/etc/rspamd/local.d not found above the test helpers');
}
export const JUNK_SUBJECT = 'mailroom-test-junk';
export const REWRITE_SUBJECT = 'mailroom-test-rewrite';
export const SOFT_SUBJECT = 'mailroom-test-soft';
export const SOFT_MESSAGE = 'Try again later (mailroom test)';
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/** Why rspamd tests cannot run here, or null when they can. */
export function rspamdMissing(): string | null {
  if (!existsSync(RSPAMD_BIN) || !existsSync('/etc/rspamd/rspamd.conf')) return 'rspamd is not installed (apt-get install rspamd)';
  return null;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ping', timeout: 1000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('pong')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

function postLearn(port: number, message: string): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/learnham', method: 'POST', timeout: 10_000, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ ok: res.statusCode === 200 && /"success"\s*:\s*true/.test(text), text: `${res.statusCode} ${text}` }));
    });
    req.on('error', (err) => resolve({ ok: false, text: err.message }));
    req.on('timeout', () => { req.destroy(new Error('timed out')); });
    req.end(message);
  });
}

export interface RspamdFixtureOptions {
  /** Normal (scanner) worker processes; by default the appliance's count (local.d/worker-normal.inc). */
  normalWorkers?: number;
  /**
   * rspamd's DNS server ("127.0.0.1:PORT"); default the system's. It asks DNS for every message
   * (block lists); where the system resolver cannot be reached each lookup waits for its timeout.
   */
  dnsServer?: string;
  /** The Subject-line test rules and the test action thresholds above (default true). */
  testRules?: boolean;
  /** More settings over the appliance's, as override.d files by name (experiments). */
  overrides?: Readonly<Record<string, string>>;
}

export class RspamdFixture extends PeerFixture {
  readonly confDir: string;
  normalPort = 0;
  controllerPort = 0;

  private constructor(private readonly options: RspamdFixtureOptions) {
    super('rspamd');
    this.confDir = path.join(this.dir, 'conf');
  }

  protected override get logFile(): string { return path.join(this.dir, 'log', 'rspamd.log'); }

  /** The normal worker's URL (spam.rspamd). */
  get url(): string { return `http://127.0.0.1:${this.normalPort}`; }
  /** The controller's URL (spam.rspamdController). */
  get controllerUrl(): string { return `http://127.0.0.1:${this.controllerPort}`; }

  static async start(options: RspamdFixtureOptions = {}): Promise<RspamdFixture> {
    const f = new RspamdFixture(options);
    try {
      f.writeConfig();
      await f.start();
      return f;
    } catch (err) {
      await f.cleanup();
      throw err;
    }
  }

  private writeConfig(): void {
    cpSync('/etc/rspamd', this.confDir, { recursive: true });
    // Only the appliance's settings and ours: whatever the host configured must not change the verdicts.
    for (const d of ['local.d', 'override.d']) {
      rmSync(path.join(this.confDir, d), { recursive: true, force: true });
      mkdirSync(path.join(this.confDir, d));
    }
    for (const name of readdirSync(APPLIANCE_RSPAMD_LOCAL_D)) {
      const from = path.join(APPLIANCE_RSPAMD_LOCAL_D, name);
      if (statSync(from).isFile()) cpSync(from, path.join(this.confDir, 'local.d', name));
    }
    for (const d of ['run', 'db', 'log']) mkdirSync(path.join(this.dir, d));
    const local = (name: string, text: string) => writeFileSync(path.join(this.confDir, 'local.d', name), text);
    const override = (name: string, text: string) => writeFileSync(path.join(this.confDir, 'override.d', name), text);
    // rspamd compiles the whole public-suffix list (9,600 names) into a Hyperscan database
    // before its workers start: 15 s to minutes on a fresh cache. The tests need a few suffixes.
    writeFileSync(path.join(this.confDir, 'test-tlds.dat'), ['com', 'org', 'net', 'example', 'test', 'invalid', ''].join('\n'));
    let options = `url_tld = "${path.join(this.confDir, 'test-tlds.dat')}";\n`;
    if (this.options.dnsServer) options += `dns {\n  nameserver = ["${this.options.dnsServer}"];\n}\n`;
    override('options.inc', options);
    // One learned message is enough for Bayes to score (rspamd's default wants 200).
    override('classifier-bayes.conf', 'min_learns = 1;\n');
    if (this.options.testRules ?? true) {
      override('actions.conf', 'add_header = 6;\nrewrite_subject = 30;\nreject = 60;\ngreylist = null;\nsubject = "***SPAM*** %s";\n');
      mkdirSync(path.join(this.confDir, 'local.d', 'maps.d'));
      const map = (name: string, re: string) => writeFileSync(path.join(this.confDir, 'local.d', 'maps.d', name), `/${re}/i\n`);
      map('junk.map', JUNK_SUBJECT);
      map('rewrite.map', REWRITE_SUBJECT);
      map('soft.map', SOFT_SUBJECT);
      const rule = (sym: string, file: string, score: number) =>
        `${sym} { type = "header"; header = "Subject"; regexp = true; map = "\${LOCAL_CONFDIR}/local.d/maps.d/${file}"; score = ${score}; }\n`;
      local('multimap.conf', rule('MAILROOM_TEST_JUNK', 'junk.map', 10) + rule('MAILROOM_TEST_REWRITE', 'rewrite.map', 40) + rule('MAILROOM_TEST_SOFT', 'soft.map', 0));
      local('force_actions.conf', `rules {\n  MAILROOM_TEST_SOFT_REJECT { action = "soft reject"; expression = "MAILROOM_TEST_SOFT"; message = "${SOFT_MESSAGE}"; }\n}\n`);
    }
    for (const [name, text] of Object.entries(this.options.overrides ?? {})) override(name, text);
  }

  protected override async start(): Promise<void> {
    // A restart keeps the ports, so the daemon's config still points at it.
    if (this.normalPort === 0) this.normalPort = await freeLoopbackPort();
    if (this.controllerPort === 0) this.controllerPort = await freeLoopbackPort();
    const override = (name: string, text: string) => writeFileSync(path.join(this.confDir, 'override.d', name), text);
    // The worker count is the appliance's unless a test asks for another.
    const count = this.options.normalWorkers ? `count = ${this.options.normalWorkers};\n` : '';
    override('worker-normal.inc', `bind_socket = "127.0.0.1:${this.normalPort}";\n${count}${this.options.overrides?.['worker-normal.inc'] ?? ''}`);
    // Debian's controller trusts 127.0.0.1 (secure_ip): learning from the tests needs no password.
    override('worker-controller.inc', `bind_socket = "127.0.0.1:${this.controllerPort}";\n`);
    await this.process.start(RSPAMD_BIN, [
      // As root rspamd wants a user to switch to; root itself needs --insecure.
      '-f', ...(process.getuid?.() === 0 ? ['-u', 'root', '-g', 'root', '--insecure'] : []), '-c', path.join(this.confDir, 'rspamd.conf'),
      `CONFDIR=${this.confDir}`, `LOCAL_CONFDIR=${this.confDir}`,
      `RUNDIR=${path.join(this.dir, 'run')}`, `DBDIR=${path.join(this.dir, 'db')}`, `LOGDIR=${path.join(this.dir, 'log')}`,
    ], {
      probe: async () => (await ping(this.normalPort)) && (await ping(this.controllerPort)),
      timeoutMs: 90_000,
      logTail: () => this.logTail(),
    });
  }

  /**
   * Waits until the controller can learn, with the Bayes files made before any process opens them.
   * On a fresh DBDIR every rspamd process (the controller and each normal worker) creates the
   * SQLite statfiles at once at start; they race ("BEGIN EXCLUSIVE TRANSACTION: database is
   * locked" in the log), and under load the controller can come out of it with a backend that
   * fails learns ("cannot find statfile backend"), at first or later. One probe that took was not
   * proof (CI saw the next learn fail), nor were three in a row (CI saw 90 s without them). So:
   * teach a throwaway message until it takes (the files and their tokenizer settings are then
   * committed), restart rspamd so that every process opens finished files and none creates
   * them, and teach a fresh probe again until it takes. At most 90 s in all.
   */
  async bayesReady(): Promise<void> {
    const words = 'mailroom fixture probe message with enough distinct tokens for the bayes classifier to accept it today';
    let n = 0;
    const probe = () => {
      n++;
      return `From: probe@fixture.example\r\nSubject: probe ${n}\r\nMessage-ID: <probe-${Date.now()}-${n}@fixture.example>\r\n\r\n${words} token${n}\r\n${words.split(' ').reverse().join(' ')}\r\n`;
    };
    const started = Date.now();
    const answers = new Set<string>();
    const learnOnce = async (untilMs: number, restartAfterMs: number | null): Promise<boolean> => {
      while (Date.now() - started < untilMs) {
        const answer = await postLearn(this.controllerPort, probe());
        if (answer.ok) return true;
        answers.add(answer.text.slice(0, 200));
        if (restartAfterMs !== null && Date.now() - started > restartAfterMs) {
          restartAfterMs = null;
          await this.restart();
          continue;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      return false;
    };
    // First: the files exist (restarting once if the controller lost the race outright).
    if (await learnOnce(60_000, 15_000)) {
      await this.restart();
      // Then: a controller that opened finished files learns.
      if (await learnOnce(90_000, null)) return;
    }
    throw new Error(`rspamd's controller cannot learn after ${Math.round((Date.now() - started) / 1000)} s: ${[...answers].join(' | ')} ${this.logTail()}`);
  }

  /**
   * Waits until the normal workers scan with Hyperscan: rspamd compiles its regular expressions
   * in the background after start and uses the slower PCRE until then (about 10 s here). A
   * benchmark that measured before it would measure the compiler.
   */
  async hyperscanReady(timeoutMs = 120_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const loaded = () => {
      try { return /\(normal\)[^\n]*full hyperscan database[^\n]*loaded/.test(readFileSync(this.logFile, 'utf8')); } catch { return false; }
    };
    while (!loaded()) {
      if (Date.now() > deadline || !this.alive) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
    return true;
  }
}
