// `npm run image:test`: boots the built image in qemu the way a user would meet it, and checks
// that it works as a mail server. Software emulation only (-accel tcg), OVMF firmware, user
// networking that forwards SMTP, POP3, IMAP, HTTPS and SSH to ports on 127.0.0.1 only.
//   1. boots a copy-on-write disk (8 GiB, so first boot grows var and adds root slot B) backed
//      by dist/image/mailroom-VERSION.qcow2, preseeded through systemd credentials (domain,
//      root's SSH key): no password anywhere;
//   2. waits for the console banner on the serial console (panel URL, certificate fingerprint,
//      setup token) and measures power-on → mail ready;
//   3. checks the disk layout over SSH, creates a mailbox, sends a message over SMTP (port 25),
//      reads it back over POP3 (STLS) and, when the daemon serves it, IMAP (STARTTLS), and
//      checks that the certificate the daemon presents is the one the banner announced;
//   4. powers off.
// Prints a summary with the timings; exits non-zero on the first failure.

import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, copyFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version;
const outDir = process.env.MAILROOM_IMAGE_OUT ?? path.join(repo, 'dist/image');
const image = path.join(outDir, `mailroom-${version}.qcow2`);
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
const BANNER_TIMEOUT_S = Number(process.env.MAILROOM_IMAGE_BOOT_TIMEOUT ?? 1200);
const DOMAIN = 'example.test';
const FQDN = `mail.${DOMAIN}`;

const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (msg) => console.log(`[image:test ${since()}s] ${msg}`);
class TestFailure extends Error {}
const fail = (msg) => { throw new TestFailure(msg); };

/** A free TCP port on 127.0.0.1 (bound, read, released). */
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// ---- a line-oriented client for SMTP, POP3 and IMAP ------------------------------------------

class LineClient {
  constructor(socket) { this.attach(socket); }
  attach(socket) {
    this.socket = socket;
    this.buffer = '';
    this.waiters = [];
    this.closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d) => { this.buffer += d; this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => { this.closed = true; this.wake(); });
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  /** Resolves with the next line (without CRLF). */
  async line(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i >= 0) { const l = this.buffer.slice(0, i); this.buffer = this.buffer.slice(i + 2); return l; }
      if (this.closed) fail('connection closed while waiting for a reply');
      const left = deadline - Date.now();
      if (left <= 0) fail('no reply within the time limit');
      await Promise.race([new Promise((r) => this.waiters.push(r)), sleep(Math.min(left, 1000), undefined, { ref: false })]);
    }
  }
  send(text) { this.socket.write(text + '\r\n', 'latin1'); }
  /** Replaces the plain socket by TLS over it; returns the peer certificate's SHA-256. */
  async startTls() {
    if (this.buffer !== '') fail('data buffered before the TLS handshake');
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: FQDN });
    await new Promise((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    this.attach(secure);
    return secure.getPeerCertificate().fingerprint256;
  }
  close() { this.socket.destroy(); }
}

async function connect(port) {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  return new LineClient(socket);
}

/** An SMTP reply (all its lines); fails unless its code starts with `want`. */
async function smtpReply(c, want, what) {
  let l;
  const lines = [];
  do { l = await c.line(); lines.push(l); } while (/^\d{3}-/.test(l));
  if (!l.startsWith(want)) fail(`SMTP ${what}: expected ${want}, got: ${lines.join(' | ')}`);
  return lines;
}

async function sendOverSmtp(port, to, subject, token) {
  const c = await connect(port);
  await smtpReply(c, '220', 'greeting');
  c.send('EHLO client.example.org'); await smtpReply(c, '250', 'EHLO');
  c.send('MAIL FROM:<sender@example.org>'); await smtpReply(c, '250', 'MAIL FROM');
  c.send(`RCPT TO:<${to}>`); await smtpReply(c, '250', 'RCPT TO');
  c.send('DATA'); await smtpReply(c, '354', 'DATA');
  c.send(['From: <sender@example.org>', `To: <${to}>`, `Subject: ${subject}`, `Message-ID: <${token}@example.org>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`, '', `The image boot test, ${token}.`, '.'].join('\r\n'));
  const reply = await smtpReply(c, '250', 'end of data');
  c.send('QUIT'); await c.line().catch(() => {});
  c.close();
  return reply.at(-1);
}

async function readOverPop3(port, user, password, token) {
  const c = await connect(port);
  const greet = await c.line(); if (!greet.startsWith('+OK')) fail(`POP3 greeting: ${greet}`);
  c.send('STLS'); const stls = await c.line(); if (!stls.startsWith('+OK')) fail(`POP3 STLS: ${stls}`);
  const fingerprint = await c.startTls();
  c.send(`USER ${user}`); let r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 USER: ${r}`);
  c.send(`PASS ${password}`); r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 PASS: ${r}`);
  c.send('STAT'); r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 STAT: ${r}`);
  const count = Number(r.split(' ')[1]);
  let found = false;
  for (let i = 1; i <= count && !found; i++) {
    c.send(`RETR ${i}`); r = await c.line(); if (!r.startsWith('+OK')) fail(`POP3 RETR: ${r}`);
    for (;;) { const l = await c.line(); if (l === '.') break; if (l.includes(token)) found = true; }
  }
  c.send('QUIT'); await c.line().catch(() => {});
  c.close();
  if (!found) fail(`POP3: the message with ${token} is not in the mailbox (${count} messages)`);
  return fingerprint;
}

async function readOverImap(port, user, password, token) {
  const c = await connect(port);
  const greet = await c.line(); if (!greet.startsWith('* OK')) fail(`IMAP greeting: ${greet}`);
  let n = 0;
  const cmd = async (text) => {
    const tag = `t${++n}`; c.send(`${tag} ${text}`);
    const untagged = [];
    for (;;) {
      const l = await c.line();
      if (l.startsWith(`${tag} `)) { if (!l.startsWith(`${tag} OK`)) fail(`IMAP ${text.split(' ')[0]}: ${l}`); return untagged; }
      untagged.push(l);
    }
  };
  await cmd('STARTTLS');
  const fingerprint = await c.startTls();
  const quote = (s) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  await cmd(`LOGIN ${quote(user)} ${quote(password)}`);
  await cmd('SELECT INBOX');
  const fetched = await cmd('FETCH 1:* (BODY.PEEK[])');
  await cmd('LOGOUT').catch(() => {});
  c.close();
  if (!fetched.some((l) => l.includes(token))) fail(`IMAP: the message with ${token} is not in INBOX`);
  return fingerprint;
}

// ---- the machine ---------------------------------------------------------------------------

function ssh(keyFile, port, command, input) {
  return execFileSync('ssh', ['-i', keyFile, '-p', String(port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=120', 'root@127.0.0.1', command],
  { input: input ?? '', encoding: 'utf8', timeout: 600_000 });
}

/** Whether the built mail daemon serves IMAP (the IMAP session and its listener are wired in). */
function daemonServesImap() {
  if (!existsSync(path.join(repo, 'mail/session/imap/imap-session.ts'))) return false;
  const main = readFileSync(path.join(repo, 'mail/main.ts'), 'utf8').split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
  return /imap/i.test(main);
}

async function main() {
  for (const f of [image, OVMF_CODE, OVMF_VARS]) if (!existsSync(f)) fail(`missing ${f} (build with npm run image; apt-get install ovmf qemu-system-x86 qemu-utils)`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'mailroom-image-test-'));
  let qemu;
  try {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', path.join(work, 'disk.qcow2'), '8G']);
    copyFileSync(OVMF_VARS, path.join(work, 'vars.fd'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'image-test', '-f', path.join(work, 'id')]);
    const ports = { smtp: await freePort(), pop3: await freePort(), imap: await freePort(), https: await freePort(), ssh: await freePort() };
    const guest = { smtp: 25, pop3: 110, imap: 143, https: 443, ssh: 22 };
    const fwd = Object.entries(ports).map(([k, p]) => `hostfwd=tcp:127.0.0.1:${p}-:${guest[k]}`).join(',');
    const consoleLog = path.join(work, 'console.log');
    writeFileSync(consoleLog, '');
    const args = ['-accel', 'tcg', '-machine', 'q35', '-cpu', process.env.MAILROOM_IMAGE_CPU ?? 'max', '-smp', '2', '-m', '2048',
      '-nographic', '-no-reboot', '-monitor', 'none', '-serial', `file:${consoleLog}`,
      '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
      '-drive', `if=pflash,format=raw,unit=1,file=${path.join(work, 'vars.fd')}`,
      '-drive', `if=virtio,format=qcow2,file=${path.join(work, 'disk.qcow2')}`,
      '-netdev', `user,id=n0,${fwd}`, '-device', 'virtio-net-pci,netdev=n0',
      '-fw_cfg', `name=opt/io.systemd.credentials/mailroom.domain,string=${DOMAIN}`,
      '-fw_cfg', `name=opt/io.systemd.credentials/ssh.authorized_keys.root,file=${path.join(work, 'id.pub')}`];
    say(`booting ${path.relative(repo, image)} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB) under qemu -accel tcg`);
    const powerOn = Date.now();
    qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let qemuErr = '';
    qemu.stderr.on('data', (d) => { qemuErr += d; });
    const exited = new Promise((resolve) => qemu.once('exit', resolve));

    // The banner's first line: "Mailroom VERSION on FQDN: mail ready".
    const readyLine = new RegExp(`Mailroom ${version.replace(/\./g, '\\.')} on (\\S+): mail (ready|NOT ready)`);
    let consoleText = '';
    for (;;) {
      if (qemu.exitCode !== null) fail(`qemu exited (${qemu.exitCode}) before the banner: ${qemuErr.trim()}\n${consoleText.slice(-2000)}`);
      consoleText = readFileSync(consoleLog, 'latin1');
      const m = readyLine.exec(consoleText);
      if (m && /Setup token:|Setup: /.test(consoleText.slice(m.index))) {
        if (m[2] !== 'ready') fail(`the banner says mail is not ready:\n${consoleText.slice(m.index, m.index + 600)}`);
        break;
      }
      if (/\(initramfs\) |Kernel panic/.test(consoleText)) fail(`boot stopped:\n${consoleText.slice(-2000)}`);
      if ((Date.now() - powerOn) / 1000 > BANNER_TIMEOUT_S) fail(`no banner after ${BANNER_TIMEOUT_S}s:\n${consoleText.slice(-2000)}`);
      await sleep(1000);
    }
    const readyAfter = (Date.now() - powerOn) / 1000;
    const banner = consoleText.slice(readyLine.exec(consoleText).index).split('\n').slice(0, 8).map((l) => l.replace(/\r/g, '')).join('\n');
    say(`banner after ${readyAfter.toFixed(1)}s:\n${banner}`);
    const bannerFingerprint = /Certificate:\s+SHA-256 ([0-9A-F:]+)/.exec(banner)?.[1];
    if (!bannerFingerprint) fail('the banner has no certificate fingerprint');
    if (!/Setup token:\s+[0-9A-F-]{10,}/.test(banner)) fail('the banner has no setup token');
    if (!/Admin panel:\s+https:\/\//.test(banner)) fail('the banner has no panel URL');

    say('checking the machine over SSH (keys only)');
    const facts = ssh(path.join(work, 'id'), ports.ssh, [
      'set -e',
      'lsblk -rno PARTLABEL,SIZE,MOUNTPOINTS /dev/vda | sort',
      'findmnt -rno OPTIONS / | tr , "\\n" | grep -qx ro && echo root-ro',
      'findmnt -rno FSTYPE /etc',
      'awk -F: \'$2 != "!*" && $2 != "*" && $2 != "!" && $2 != "" && $2 !~ /^!/ { print "PASSWORD:" $1 }\' /etc/shadow',
      'grep -h "^PasswordAuthentication" /etc/ssh/sshd_config.d/*.conf',
      'cat /etc/machine-id',
      'systemctl is-active mailroom-mail',
      'systemd-analyze | head -n1 || true',
    ].join('; '));
    say(`machine:\n${facts.trim()}`);
    if (!/_empty 2G/.test(facts)) fail('no empty root slot B (_empty, 2G)');
    if (!/^mailroom-var \S+ .*\/var$/m.test(facts)) fail('var is not mounted at /var');
    if (!/root-ro/.test(facts)) fail('the root slot is not mounted read-only');
    if (!/^overlay$/m.test(facts)) fail('/etc is not the overlay on var');
    if (/PASSWORD:/.test(facts)) fail(`an account has a password: ${facts}`);
    if (/uninitialized/.test(facts)) fail('machine-id was not generated');

    const user = `test@${DOMAIN}`;
    const password = randomBytes(12).toString('base64url');
    say(`creating ${user}`);
    ssh(path.join(work, 'id'), ports.ssh, `mailroom user add ${user} --password-stdin`, password + '\n');

    const token = `boot-${randomBytes(6).toString('hex')}`;
    say('sending a message over SMTP (port 25)');
    const smtpStart = Date.now();
    const accepted = await sendOverSmtp(ports.smtp, user, `image test ${token}`, token);
    say(`accepted in ${((Date.now() - smtpStart) / 1000).toFixed(1)}s: ${accepted}`);

    say('reading it over POP3 (port 110, STLS)');
    const popFingerprint = await readOverPop3(ports.pop3, user, password, token);
    if (popFingerprint !== bannerFingerprint) fail(`POP3 presented ${popFingerprint}, the banner says ${bannerFingerprint}`);
    let imap = 'not served by this build';
    if (daemonServesImap()) {
      say('reading it over IMAP (port 143, STARTTLS)');
      const imapFingerprint = await readOverImap(ports.imap, user, password, token);
      if (imapFingerprint !== bannerFingerprint) fail(`IMAP presented ${imapFingerprint}, the banner says ${bannerFingerprint}`);
      imap = 'read';
    }

    say('powering off');
    try { ssh(path.join(work, 'id'), ports.ssh, 'systemctl poweroff --no-block'); } catch { /* the connection may drop */ }
    // An unref'd timer: once qemu has exited, nothing should keep this process alive.
    const off = await Promise.race([exited.then(() => true), sleep(300_000, false, { ref: false })]);
    if (!off) fail('the machine did not power off within 5 minutes');
    const sizes = ['raw.zst', 'qcow2', 'ova'].map((ext) => {
      const f = path.join(outDir, `mailroom-${version}.${ext}`);
      return existsSync(f) ? `${ext} ${(statSync(f).size / 2 ** 20).toFixed(0)} MiB` : `${ext} missing`;
    }).join(', ');
    console.log(`\nimage:test passed: mail ready ${readyAfter.toFixed(1)}s after power-on (tcg); SMTP delivered, POP3 read, IMAP ${imap}; sizes: ${sizes}`);
    console.log('1 passed, 0 failed');
  } finally {
    if (qemu && qemu.exitCode === null) qemu.kill('SIGKILL');
    if (process.env.MAILROOM_IMAGE_KEEP) console.log(`kept ${work}`); else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`\nimage:test FAILED after ${since()}s: ${err instanceof TestFailure ? err.message : err.stack}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});

