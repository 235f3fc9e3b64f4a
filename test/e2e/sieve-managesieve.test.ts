// ManageSieve end to end against the real daemon: a raw client over STARTTLS that walks every
// command and error, and Debian's sieve-connect (a real ManageSieve client, as mail clients'
// Sieve editors use the protocol) uploading and activating a script; SMTP delivery then obeys
// the script each one activated.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { buildMessage, getFreePort, MailroomInstance, rawDeliver, sleep, TEST_PASSWORD, uniqueToken } from './harness.js';

/** One complete response: the lines before the status line (literals inline) and the status line. */
interface Response { lines: string[]; status: string }

class SieveClient {
  private buffer = Buffer.alloc(0);
  private socket: net.Socket | tls.TLSSocket;
  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.listen(socket);
  }

  static async connect(port: number): Promise<SieveClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    return new SieveClient(socket);
  }

  private listen(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (d: Buffer) => { this.buffer = Buffer.concat([this.buffer, d]); });
  }

  /** Reads up to and including a status line (OK/NO/BYE), taking literals whole. */
  async read(ms = 15_000): Promise<Response> {
    const deadline = Date.now() + ms;
    const lines: string[] = [];
    let pos = 0;
    // A literal's text, waiting for the rest of its line (after the literal, up to CRLF).
    let pending: string | null = null;
    for (;;) {
      const end = this.buffer.indexOf('\r\n', pos);
      if (end < 0) {
        if (Date.now() > deadline) throw new Error(`ManageSieve: no complete response; got ${JSON.stringify(this.buffer.toString('utf8').slice(-300))}`);
        await sleep(10);
        continue;
      }
      const line = this.buffer.subarray(pos, end).toString('utf8');
      const literal = /\{(\d+)\}$/.exec(line);
      if (literal) {
        const size = Number(literal[1]);
        if (this.buffer.length < end + 2 + size) { await sleep(10); continue; }
        pending = (pending ?? '') + line.replace(/\{\d+\}$/, '') + this.buffer.subarray(end + 2, end + 2 + size).toString('utf8');
        pos = end + 2 + size;
        continue;
      }
      pos = end + 2;
      if (pending !== null) {
        lines.push(pending + line);
        pending = null;
        continue;
      }
      if (/^(OK|NO|BYE)\b/.test(line)) {
        this.buffer = this.buffer.subarray(pos);
        return { lines, status: line };
      }
      lines.push(line);
    }
  }

  async command(line: string): Promise<Response> {
    this.socket.write(line + '\r\n');
    return this.read();
  }

  async startTls(): Promise<Response> {
    const ok = await this.command('STARTTLS');
    assert.match(ok.status, /^OK/);
    const raw = this.socket as net.Socket;
    raw.removeAllListeners('data');
    this.buffer = Buffer.alloc(0);
    const secure = tls.connect({ socket: raw, rejectUnauthorized: false, servername: 'mx.e2e.test' });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    this.socket = secure;
    this.listen(secure);
    return this.read(); // the capabilities again
  }

  close(): void {
    this.socket.destroy();
  }
}

const literal = (text: string) => `{${Buffer.byteLength(text)}+}\r\n${text}`;

describe('ManageSieve', { timeout: 180_000 }, () => {
  let inst: MailroomInstance;
  let port = 0;

  before(async () => {
    port = await getFreePort();
    inst = await MailroomInstance.start({
      users: ['mia@e2e.test'],
      editConfig: (cfg) => { (cfg.listen as Record<string, unknown>).managesieve = `127.0.0.1:${port}`; },
    });
  });
  after(async () => { await inst?.cleanup(); });

  it('STARTTLS, AUTHENTICATE PLAIN, PUTSCRIPT/SETACTIVE; delivery then obeys the script', async () => {
    const c = await SieveClient.connect(port);
    try {
      const greeting = await c.read();
      assert.match(greeting.status, /^OK/);
      assert.ok(greeting.lines.includes('"STARTTLS"'), greeting.lines.join('\n'));
      assert.ok(greeting.lines.includes('"SASL" ""'), 'no password mechanism before TLS');
      assert.ok(greeting.lines.some((l) => /^"SIEVE" ".*\bfileinto\b.*\bvacation\b.*"$/.test(l)));

      const plain = Buffer.from(`\0mia@e2e.test\0${TEST_PASSWORD}`).toString('base64');
      assert.match((await c.command(`AUTHENTICATE "PLAIN" "${plain}"`)).status, /^NO \(ENCRYPT-NEEDED\)/);
      assert.match((await c.command('LISTSCRIPTS')).status, /^NO/);

      const caps = await c.startTls();
      assert.ok(caps.lines.includes('"SASL" "PLAIN"'), caps.lines.join('\n'));
      assert.ok(!caps.lines.includes('"STARTTLS"'));
      const bad = Buffer.from(`\0mia@e2e.test\0wrong-password`).toString('base64');
      assert.match((await c.command(`AUTHENTICATE "PLAIN" "${bad}"`)).status, /^NO/);
      // Without an initial response: an empty continuation, then the client's response.
      c['socket'].write('AUTHENTICATE "PLAIN"\r\n');
      await waitForContinuation(c);
      assert.match((await c.command(`"${plain}"`)).status, /^OK/);

      const broken = 'require "fileinto";\nif header :contains "subject" "x" {\n  fileinto "A"\n}\n';
      assert.equal((await c.command(`CHECKSCRIPT ${literal(broken)}`)).status, 'NO "line 4: column 1: expected \\";\\" or \\"{\\" after command \\"fileinto\\", found \\"}\\""');
      assert.match((await c.command(`PUTSCRIPT "broken" ${literal(broken)}`)).status, /^NO "line 4: column 1: /);

      const script = 'require ["fileinto", "imap4flags"];\nif header :contains "subject" "[sorted]" {\n  fileinto "Archive";\n}\n';
      assert.match((await c.command(`HAVESPACE "rules" ${Buffer.byteLength(script)}`)).status, /^OK/);
      assert.match((await c.command('HAVESPACE "rules" 999999999')).status, /^NO \(QUOTA\/MAXSIZE\)/);
      assert.match((await c.command(`CHECKSCRIPT ${literal(script)}`)).status, /^OK/);
      assert.match((await c.command(`PUTSCRIPT "rules" ${literal(script)}`)).status, /^OK/);
      assert.match((await c.command(`PUTSCRIPT "spare" ${literal('keep;\r\n')}`)).status, /^OK/);
      assert.match((await c.command('SETACTIVE "nope"')).status, /^NO \(NONEXISTENT\)/);
      assert.match((await c.command('SETACTIVE "rules"')).status, /^OK/);
      assert.deepEqual((await c.command('LISTSCRIPTS')).lines, ['"rules" ACTIVE', '"spare"']);
      const got = await c.command('GETSCRIPT "rules"');
      assert.deepEqual(got.lines, [script]);
      assert.match((await c.command('DELETESCRIPT "rules"')).status, /^NO \(ACTIVE\)/);
      assert.match((await c.command('RENAMESCRIPT "spare" "rules"')).status, /^NO \(ALREADYEXISTS\)/);
      assert.match((await c.command('RENAMESCRIPT "spare" "old"')).status, /^OK/);
      assert.match((await c.command('DELETESCRIPT "old"')).status, /^OK/);
      assert.match((await c.command('NOOP "t1"')).status, /^OK \(TAG "t1"\)/);
      assert.match((await c.command('LOGOUT')).status, /^OK/);
    } finally {
      c.close();
    }

    // The CLI sees what ManageSieve stored.
    assert.match((await inst.cli(['sieve', 'get', 'mia@e2e.test'])).stdout.toString('utf8'), /fileinto "Archive"/);

    const t = uniqueToken('ms');
    for (const subject of [`[sorted] ${t}`, `${t} plain`]) {
      const r = await rawDeliver(inst.port, { from: 'x@remote.test', to: ['mia@e2e.test'], message: buildMessage({ from: 'x@remote.test', to: 'mia@e2e.test', subject, body: 'hi\n' }) });
      assert.equal(r.final?.code, 250);
    }
    assert.deepEqual((await inst.findBySubject('mia@e2e.test', t, 'Archive')).map((m) => m.subject), [`[sorted] ${t}`]);
    assert.deepEqual((await inst.findBySubject('mia@e2e.test', t, 'INBOX')).map((m) => m.subject), [`${t} plain`]);
  });
});

const SIEVE_CONNECT = '/usr/bin/sieve-connect';

/** Runs sieve-connect with the password on its stdin (--passwordfd 0); resolves with its output. */
function sieveConnect(port: number, user: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SIEVE_CONNECT, ['--server', '127.0.0.1', '--port', String(port), '--user', user, '--passwordfd', '0', '--notlsverify', '--authmech', 'PLAIN', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`sieve-connect timed out: ${out}`)); }, 60_000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
    child.stdin.end(`${TEST_PASSWORD}\n`);
  });
}

describe('ManageSieve with a real client (sieve-connect)', { skip: existsSync(SIEVE_CONNECT) ? false : 'sieve-connect is not installed (apt-get install sieve-connect)', timeout: 240_000 }, () => {
  let inst: MailroomInstance;
  let port = 0;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sieve-connect-'));
    port = await getFreePort();
    inst = await MailroomInstance.start({
      users: ['noa@e2e.test'],
      editConfig: (cfg) => { (cfg.listen as Record<string, unknown>).managesieve = `127.0.0.1:${port}`; },
    });
  });
  after(async () => {
    await inst?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, lists and activates a script over STARTTLS; a broken one is refused; delivery obeys', async () => {
    const broken = path.join(dir, 'broken.sieve');
    writeFileSync(broken, 'require "fileinto";\nfileinto "A"\n');
    const refused = await sieveConnect(port, 'noa@e2e.test', ['--localsieve', broken, '--remotesieve', 'broken', '--upload']);
    assert.notEqual(refused.code, 0, refused.out);
    assert.match(refused.out, /line 3: column 1/, refused.out);

    const file = path.join(dir, 'rules.sieve');
    writeFileSync(file, 'require ["fileinto"];\nif header :contains "subject" "[client]" {\n  fileinto "Archive";\n}\n');
    const upload = await sieveConnect(port, 'noa@e2e.test', ['--localsieve', file, '--remotesieve', 'rules', '--upload']);
    assert.equal(upload.code, 0, upload.out);
    const activate = await sieveConnect(port, 'noa@e2e.test', ['--remotesieve', 'rules', '--activate']);
    assert.equal(activate.code, 0, activate.out);
    const list = await sieveConnect(port, 'noa@e2e.test', ['--list']);
    assert.equal(list.code, 0, list.out);
    assert.match(list.out, /"rules" ACTIVE/, list.out);
    const wrong = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(SIEVE_CONNECT, ['--server', '127.0.0.1', '--port', String(port), '--user', 'noa@e2e.test', '--passwordfd', '0', '--notlsverify', '--authmech', 'PLAIN', '--list'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end('not-the-password\n');
    });
    assert.notEqual(wrong.code, 0, `a wrong password is refused: ${wrong.out}`);

    const t = uniqueToken('sc');
    for (const subject of [`[client] ${t}`, `${t} plain`]) {
      const r = await rawDeliver(inst.port, { from: 'x@remote.test', to: ['noa@e2e.test'], message: buildMessage({ from: 'x@remote.test', to: 'noa@e2e.test', subject, body: 'hi\n' }) });
      assert.equal(r.final?.code, 250);
    }
    assert.deepEqual((await inst.findBySubject('noa@e2e.test', t, 'Archive')).map((m) => m.subject), [`[client] ${t}`]);
    assert.deepEqual((await inst.findBySubject('noa@e2e.test', t, 'INBOX')).map((m) => m.subject), [`${t} plain`]);
  });
});

async function waitForContinuation(c: SieveClient): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!c['buffer'].toString('latin1').startsWith('""\r\n')) {
    if (Date.now() > deadline) throw new Error(`no SASL continuation: ${c['buffer'].toString('latin1')}`);
    await sleep(10);
  }
  c['buffer'] = c['buffer'].subarray(4);
}
