// `npm run image:test`: boots the built image in qemu the way a user would meet it, and checks
// that it works as a mail server and that an update rolls back when it is not healthy.
// Software emulation only (-accel tcg), OVMF firmware, user networking that forwards SMTP,
// POP3, IMAP, HTTPS and SSH to ports on 127.0.0.1 only. One machine, two scenarios:
//
// mail    1. boots a copy-on-write disk (8 GiB, so first boot grows var and adds root slot B)
//            backed by dist/image/mailroom-VERSION.qcow2, preseeded through systemd credentials
//            (domain, root's SSH key): no password anywhere;
//         2. waits for the console banner on the serial console (panel URL, certificate
//            fingerprint, setup token) and measures power-on → mail ready;
//         3. checks the disk layout and the services over SSH (the privileged helper and the
//            agent running, the boot health check passed), creates a mailbox, sends a message
//            over SMTP (25), reads it back over POP3 (STLS) and IMAP (STARTTLS), checks the
//            certificate against the banner's fingerprint, creates the first admin with the
//            setup token over the panel's API, logs in, and reads the firewall through the agent
//            (which asks the privileged helper);
// update  4. makes a release of a made-up next version (image/lib/make-test-update.sh), signs its
//            SHA256SUMS with a throw-away key the machine is told to trust, serves it over HTTP
//            on 127.0.0.1, and runs systemd-sysupdate: root slot B and a counted UKI;
//         5. marks the next health check to fail and reboots: the machine boots slot B, the
//            check fails, the entry is marked bad, and it comes back on slot A;
//         6. powers off.
// MAILROOM_IMAGE_SCENARIOS=mail skips the update scenario. Prints a summary with the timings;
// exits non-zero on the first failure.

import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, copyFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TestFailure, fail, setServerName, sendOverSmtp, readOverPop3, readOverImap, panelRequest, retrying } from './boot-test-clients.mjs';
import { Qmp } from './boot-test-qmp.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version;
const outDir = process.env.MAILROOM_IMAGE_OUT ?? path.join(repo, 'dist/image');
const image = path.join(outDir, `mailroom-${version}.qcow2`);
const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';
const BOOT_TIMEOUT_S = Number(process.env.MAILROOM_IMAGE_BOOT_TIMEOUT ?? 1500);
const SCENARIOS = (process.env.MAILROOM_IMAGE_SCENARIOS ?? 'mail,update').split(',');
// A boot that neither prints to the console nor reads or writes its disk for this long is hung,
// not slow: under TCG on the loaded 2-core machine the longest quiet stretch of a normal boot
// (the kernel and the initramfs unpacking, before the disk's driver reads the partition table)
// takes well under a minute (kernel+initramfs 25-55 s in all, with disk I/O in it). The machine is
// then reset through the qemu monitor once (a finding, printed loudly); a second hang fails.
// (Session 5: slot B's boot once printed nothing for 25 min after the loader had picked it.)
const SILENT_S = Number(process.env.MAILROOM_IMAGE_SILENT_S ?? 240);
// Silent hangs survived with a reset before one fails the test. Session 10's CI saw the firmware
// hang twice in a row on slot B's warm reboots (each time just after BdsDxe started the boot
// loader); every hang is still printed as a FINDING.
const SILENT_RESETS = Number(process.env.MAILROOM_IMAGE_SILENT_RESETS ?? 2);
const DOMAIN = 'example.test';
const FQDN = `mail.${DOMAIN}`;
// The made-up next release of the update scenario: sorts after VERSION (systemd-boot and
// systemd-sysupdate compare versions the same way).
const NEXT = `${version}.1`;
setServerName(FQDN);

const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (msg) => console.log(`[image:test ${since()}s] ${msg}`);

/** A free TCP port on 127.0.0.1 (bound, read, released). */
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// ---- the machine ---------------------------------------------------------------------------

class Machine {
  constructor(work) {
    this.work = work; this.consoleLog = path.join(work, 'console.log'); this.key = path.join(work, 'id');
    this.qmpSocket = path.join(work, 'qmp.sock');
    // What is booting (for the findings) and what the silence watch has found.
    this.phase = 'slot A (first boot)';
    this.findings = [];
    this.silentResets = 0;
    this.panicResets = 0;
  }

  async start() {
    const { work } = this;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', path.join(work, 'disk.qcow2'), '8G']);
    copyFileSync(OVMF_VARS, path.join(work, 'vars.fd'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'image-test', '-f', this.key]);
    this.ports = { smtp: await freePort(), pop3: await freePort(), imap: await freePort(), https: await freePort(), ssh: await freePort() };
    const guest = { smtp: 25, pop3: 110, imap: 143, https: 443, ssh: 22 };
    const fwd = Object.entries(this.ports).map(([k, p]) => `hostfwd=tcp:127.0.0.1:${p}-:${guest[k]}`).join(',');
    writeFileSync(this.consoleLog, '');
    // No -no-reboot: the update scenario reboots the machine (twice, with the fall-back).
    // What the README recommends for a VM: a virtio-rng device (the kernel's CRNG is ready at
    // once instead of waiting for jitter entropy, which is slow under emulation) and, with two
    // vCPUs, one host thread per vCPU (MTTCG).
    const args = ['-accel', 'tcg,thread=multi', '-machine', 'q35', '-cpu', process.env.MAILROOM_IMAGE_CPU ?? 'max', '-smp', '2', '-m', '2048',
      '-object', 'rng-random,id=rng0,filename=/dev/urandom', '-device', 'virtio-rng-pci,rng=rng0',
      '-nographic', '-monitor', 'none', '-serial', `file:${this.consoleLog}`,
      // The machine protocol on a socket of our own: block I/O counters (is a silent boot doing
      // anything?), registers (where is it?) and a reset.
      '-qmp', `unix:${this.qmpSocket},server=on,wait=off`,
      '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`,
      '-drive', `if=pflash,format=raw,unit=1,file=${path.join(work, 'vars.fd')}`,
      '-drive', `if=virtio,format=qcow2,file=${path.join(work, 'disk.qcow2')}`,
      '-netdev', `user,id=n0,${fwd}`, '-device', 'virtio-net-pci,netdev=n0',
      '-fw_cfg', `name=opt/io.systemd.credentials/mailroom.domain,string=${DOMAIN}`,
      '-fw_cfg', `name=opt/io.systemd.credentials/ssh.authorized_keys.root,file=${this.key}.pub`];
    this.powerOn = Date.now();
    this.qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.qemuErr = '';
    this.qemu.stderr.on('data', (d) => { this.qemuErr += d; });
    this.exited = new Promise((resolve) => this.qemu.once('exit', resolve));
    this.qmp = await Qmp.connect(this.qmpSocket);
    // A test of the test: MAILROOM_IMAGE_TEST_FREEZE_S=N stops the emulated CPUs N s after
    // power-on, a boot that hangs as far as the silence watch can tell (use a small
    // MAILROOM_IMAGE_SILENT_S with it).
    const freezeS = Number(process.env.MAILROOM_IMAGE_TEST_FREEZE_S ?? 0);
    if (freezeS > 0) {
      setTimeout(() => {
        say(`test hook: freezing the machine (${freezeS} s after power-on) to exercise the silence watch`);
        this.qmp.command('stop').catch(() => {});
      }, freezeS * 1000).unref();
    }
  }

  /**
   * Called by the waits while a boot is under way: resets the machine if it has printed nothing
   * and done no disk I/O for SILENT_S, up to SILENT_RESETS times; one hang more fails the test. Before the
   * reset it records where the CPUs are (RIP and CR0/CR3 per CPU: firmware, loader or kernel)
   * and the whole register dump in the work dir (kept with MAILROOM_IMAGE_KEEP=1).
   */
  async watchSilence(what) {
    const now = Date.now();
    const len = statSync(this.consoleLog).size;
    if (!this.watch || len !== this.watch.len) { this.watch = { len, ops: this.watch?.ops ?? -1, progress: now, polled: 0 }; }
    if (now - this.watch.polled >= 5000) {
      this.watch.polled = now;
      let ops = -1;
      try { ops = await this.qmp.blockOps(); } catch { /* qemu going away: the waits see its exit */ }
      if (ops !== this.watch.ops) { this.watch.ops = ops; this.watch.progress = now; }
    }
    const silentS = (now - this.watch.progress) / 1000;
    if (silentS < SILENT_S) return false;
    let regs = '';
    try { regs = await this.qmp.hmp('info registers -a'); } catch (err) { regs = `(info registers: ${err.message})`; }
    if (!/[RE]IP=/.test(regs)) { try { regs = await this.qmp.hmp('info registers'); } catch { /* keep what we have */ } }
    // Paused by qemu itself (a host I/O error, an emulation error) is a different finding from a
    // guest that runs and does nothing.
    let status = 'unknown';
    try { status = (await this.qmp.command('query-status')).status; } catch { /* keep unknown */ }
    const n = this.silentResets + 1;
    const dump = path.join(this.work, `silent-hang-${n}-registers.txt`);
    writeFileSync(dump, regs);
    const where = regs.split('\n').filter((l) => /^(CPU#|[RE]IP=|CR0=)/.test(l)).map((l) => l.replace(/\s+/g, ' ').slice(0, 90)).join(' | ');
    const tail = this.console().slice(-300).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?=!]*[A-Za-z]`, 'g'), '').replace(/\r/g, '').trim().split('\n').slice(-3).join(' / ');
    const finding = `boot of ${this.phase} silent for ${silentS.toFixed(0)} s (no console output, no disk I/O) while waiting for ${what}; qemu status ${status}; CPUs: ${where || '(no registers)'}; console ended: ${tail}`;
    if (this.silentResets >= SILENT_RESETS) fail(`FINDING: silent hang number ${n}, one more than the ${SILENT_RESETS} reset(s) allowed: ${finding} (before: ${this.findings.join('; ')})`);
    this.silentResets++;
    this.findings.push(`${finding}; reset`);
    console.log(`\n${'!'.repeat(100)}\n[image:test ${since()}s] FINDING: ${finding}\n  registers in ${dump}; resetting the machine through the qemu monitor (reset ${n} of ${SILENT_RESETS}; one hang more fails)\n${'!'.repeat(100)}\n`);
    await this.qmp.command('system_reset');
    if (status !== 'running') await this.qmp.command('cont');
    this.watch = null;
    return true;
  }

  console() { return readFileSync(this.consoleLog, 'latin1'); }

  /** Waits for `re` in the console output after character `from`; returns {match, end}. */
  async waitConsole(re, from, what, timeoutS = BOOT_TIMEOUT_S) {
    let started = Date.now();
    this.watch = null;
    for (;;) {
      const text = this.console();
      if (this.qemu.exitCode !== null || this.qemu.signalCode !== null) fail(`qemu exited (${this.qemu.exitCode ?? this.qemu.signalCode}) while waiting for ${what}: ${this.qemuErr.trim()}\n${text.slice(-2000)}`);
      const tail = text.slice(from);
      const m = re.exec(tail);
      if (m) return { match: m, at: from + m.index, text };
      if (/\(initramfs\) |Kernel panic/.test(tail)) {
        if (this.panicResets < 1 && isEmulatorPatchingOops(tail)) {
          // Seen once in CI (session 9): the guest kernel died of an unexpected int3 in code it
          // was patching in place (static keys) while another vCPU ran it: multi-threaded TCG and
          // cross-modifying code, the emulator's race, not the image's. Reset once, loudly; a
          // second one fails. The time lost stays in the greeting's measurement (from power-on).
          this.panicResets++;
          const finding = `kernel panic of ${this.phase} while waiting for ${what}: an int3 Oops in code being patched (emulator race); reset`;
          this.findings.push(finding);
          console.log(`\n${'!'.repeat(100)}\n[image:test ${since()}s] FINDING: ${finding}\n${tail.slice(-1500)}\n${'!'.repeat(100)}\n`);
          await this.qmp.command('system_reset');
          from = text.length;
          started = Date.now();
          this.watch = null;
          continue;
        }
        fail(`boot stopped while waiting for ${what}:\n${text.slice(-2000)}${this.findings.length ? `\n(earlier: ${this.findings.join('; ')})` : ''}`);
      }
      if ((Date.now() - started) / 1000 > timeoutS) fail(`no ${what} after ${timeoutS}s:\n${text.slice(-2000)}`);
      // After a reset the boot starts over: it gets its whole time again.
      if (await this.watchSilence(what)) started = Date.now();
      await sleep(1000);
    }
  }

  /** Waits for the banner (and its setup line) after `from`; returns {banner, at, fingerprint}. */
  async waitBanner(from) {
    // [^\n], not '.': the serial console ends lines with \r\r\n, and '.' stops at \r.
    const readyLine = new RegExp(`Mailroom ${version.replace(/\./g, '\\.')} on (\\S+): mail (ready|NOT ready)[^\\n]*\\n(?:[^\\n]*\\n){1,6}[^\\n]*(Setup token:|Setup: )`);
    const { match, at, text } = await this.waitConsole(readyLine, from, 'console banner');
    const banner = text.slice(at).split('\n').slice(0, 8).map((l) => l.replace(/\r/g, '')).join('\n');
    if (match[2] !== 'ready') fail(`the banner says mail is not ready:\n${banner}`);
    return { banner, at, end: at + match[0].length, fingerprint: /Certificate:\s+SHA-256 ([0-9A-F:]+)/.exec(banner)?.[1] };
  }

  ssh(command, { input = '', timeoutS = 600 } = {}) {
    return execFileSync('ssh', ['-i', this.key, '-p', String(this.ports.ssh), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=120', '-o', 'ServerAliveInterval=30',
      'root@127.0.0.1', command], { input, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 16 << 20 });
  }

  async powerOff() {
    try { this.ssh('systemctl poweroff --no-block'); } catch { /* the connection may drop */ }
    // An unref'd timer: once qemu has exited, nothing should keep this process alive.
    const off = await Promise.race([this.exited.then(() => true), sleep(600_000, false, { ref: false })]);
    if (!off) fail('the machine did not power off within 10 minutes');
  }

  kill() {
    this.qmp?.close();
    if (this.qemu && this.qemu.exitCode === null) this.qemu.kill('SIGKILL');
  }
}

/**
 * A panic that began with an Oops on an int3 trap: the kernel met a breakpoint it was itself
 * placing to patch code (text_poke) after it had taken it out again. Any other panic is real.
 */
function isEmulatorPatchingOops(consoleTail) {
  const oops = /Oops: ([^\n]*)/.exec(consoleTail);
  return oops !== null && /^int3\b/.test(oops[1]);
}

// ---- scenario: mail ----------------------------------------------------------------------------

/**
 * Polls SMTP through the forwarded port until the daemon greets; returns seconds since power-on.
 * One connection a second at most (was one every 5 s: up to 5 s of the measurement was the
 * poll's, not the machine's), each given 5 s for its greeting. The firewall limits new
 * connections to port 25 to 30 a minute per source, but the helper applies it only once mail is
 * up, and the first greeting ends the poll: at most a connection or two meet the firewall.
 */
async function smtpReady(m) {
  for (;;) {
    const attempt = Date.now();
    const greeted = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: m.ports.smtp });
      const done = (v) => { s.destroy(); resolve(v); };
      s.setEncoding('latin1');
      // 5 s for the greeting (the daemon waits 1 s before it, limits.greetingWait), then a new
      // connection: a connection opened before the machine has its address waits in qemu's user
      // network for TCP's retransmission back-off (up to 11 s seen after the DHCP lease), which
      // is the poll's delay, not the machine's. A slow greeting only means one more try.
      s.setTimeout(5_000, () => done(false));
      s.on('data', (d) => done(d.startsWith('220')));
      s.on('error', () => done(false));
      s.on('close', () => resolve(false));
    });
    if (greeted) return (Date.now() - m.powerOn) / 1000;
    // qemu gone (exited, or killed by a signal: then exitCode stays null) ends the poll.
    if (m.qemu.exitCode !== null || m.qemu.signalCode !== null || (Date.now() - m.powerOn) / 1000 > BOOT_TIMEOUT_S) return null;
    await sleep(Math.max(0, 1000 - (Date.now() - attempt)));
  }
}

async function mailScenario(m) {
  // Mail ready = the first SMTP greeting through the forwarded port 25, measured from power-on
  // (qemu's start: firmware, boot loader, kernel, first boot and the daemon all count).
  const greeting = smtpReady(m);
  const { banner, fingerprint: bannerFingerprint, end } = await m.waitBanner(0);
  const bannerAfter = (Date.now() - m.powerOn) / 1000;
  const readyAfter = await greeting;
  if (readyAfter === null) fail('the mail daemon never greeted on port 25');
  say(`SMTP greeting after ${readyAfter.toFixed(1)}s; banner after ${bannerAfter.toFixed(1)}s:\n${banner}`);
  if (!bannerFingerprint) fail('the banner has no certificate fingerprint');
  const bannerToken = /Setup token:\s+([0-9A-F-]{10,})/.exec(banner)?.[1];
  if (!bannerToken) fail('the banner has no setup token');
  if (!/Admin panel:\s+https:\/\//.test(banner)) fail('the banner has no panel URL');

  say('checking the machine over SSH (keys only)');
  const facts = m.ssh([
    'set -e',
    'lsblk -rno PARTLABEL,SIZE,MOUNTPOINTS /dev/vda | sort',
    'findmnt -rno OPTIONS / | tr , "\\n" | grep -qx ro && echo root-ro',
    'findmnt -rno FSTYPE /etc',
    'awk -F: \'$2 != "!*" && $2 != "*" && $2 != "!" && $2 != "" && $2 !~ /^!/ { print "PASSWORD:" $1 }\' /etc/shadow',
    'grep -h "^PasswordAuthentication" /etc/ssh/sshd_config.d/*.conf',
    'cat /etc/machine-id',
    'for u in mailroom-mail mailroom-helper mailroom-health; do echo "$u: $(systemctl is-active $u)"; done',
    // The helper is active once its process runs; its socket comes after it has applied the firewall.
    'for i in $(seq 100); do [ -S /run/mailroom-helper/helper.sock ] && break; sleep 3; done',
    'echo "helper socket: $(stat -c "%U:%G %a" /run/mailroom-helper/helper.sock 2>&1)"',
  ].join('; '));
  // Where the boot's time went (kept in the log: the mail-ready budget is tracked in the README).
  const timing = m.ssh([
    'systemd-analyze || true',
    // Node.js's start: CPU or waiting? (real against user+sys; the CRNG's readiness); and the
    // image's bundled entry with its code cache against the plain compiled tree, side by side.
    'echo "--- crng"; dmesg | grep -iE "crng|random:" | head -n 5 || true',
    'echo "--- ordering cycles (none expected)"; journalctl -b --no-pager | grep -i "ordering cycle" | head -n 5 || true',
    'echo "--- initramfs"; ls -la /efi/EFI/Linux/ 2>&1 | tail -n 2',
    'echo "--- node start (real/user/sys, s)"; TIMEFORMAT="%R %U %S"; for i in 1 2; do ' +
      'echo "node -e 0: $( { time node -e 0 ; } 2>&1 )"; ' +
      'echo "help via bin/mailroom.js (dist/): $( { time node /usr/lib/mailroom/bin/mailroom.js help >/dev/null ; } 2>&1 )"; ' +
      'echo "help via dist/bundle/start.js (bundle + code cache): $( { time MAILROOM_DEBUG_CODE_CACHE=1 node /usr/lib/mailroom/dist/bundle/start.js help >/dev/null ; } 2>&1 )"; done',
    'echo "--- mail unit"; systemctl show -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic -p InactiveExitTimestampMonotonic mailroom-mail.service',
    // Before the kernel (firmware, loader: how long before it) and the stages after it, in µs of
    // the kernel's clock; these hold while boot is unfinished, when systemd-analyze refuses.
    'echo "--- stages (µs)"; systemctl show -p FirmwareTimestampMonotonic -p LoaderTimestampMonotonic -p InitRDTimestampMonotonic -p UserspaceTimestampMonotonic; ' +
      'for u in initrd-switch-root.service sysinit.target basic.target mailroom-firstboot.service systemd-networkd.service network-online.target; do echo "$u $(systemctl show -P ActiveEnterTimestampMonotonic $u)"; done',
    // The initramfs's work (quiet keeps it off the console): /init, the root and var mounts,
    // repart and var's e2fsck and growth, systemd's start. Read the order, not the times: the
    // journal's times for these early kernel lines do not match systemd-analyze's under TCG.
    'echo "--- kernel and initramfs"; journalctl -b -k --no-pager --no-hostname -o short-monotonic | grep -E "Run /init|virtio_blk|EXT4-fs \\\\(|mailroom|systemd\\\\[1\\\\]: (systemd [0-9]|Hostname set)" | cut -c1-160 | head -n 20 || true',
    'echo "--- critical chain of mailroom-mail.service"; systemd-analyze critical-chain --no-pager mailroom-mail.service || true',
    'echo "--- blame (top 25)"; systemd-analyze blame --no-pager | head -n 25 || true',
    'echo "--- first boot and mail"; journalctl -b --no-pager -o short-monotonic -u mailroom-firstboot -u mailroom-mail -u mailroom-helper -u mailroom-health | grep -v "^--" | cut -c1-200 | head -n 40',
    // The daemon's own account of its start (ms since its start at each step; `process` = since
    // Node.js started, which on first boot includes the wait for first boot's config).
    'echo "--- mail daemon start (ms)"; journalctl -b -u mailroom-mail -o cat --no-pager | grep -m1 "\\"mail daemon started\\"" | grep -o "\\"startMs\\":{[^}]*}" || true',
  ].join('; '));
  say(`boot timing:\n${timing.trim()}`);
  say(`machine:\n${facts.trim()}`);
  if (!/_empty 2G/.test(facts)) fail('no empty root slot B (_empty, 2G)');
  if (!/^mailroom-var \S+ .*\/var$/m.test(facts)) fail('var is not mounted at /var');
  if (!/root-ro/.test(facts)) fail('the root slot is not mounted read-only');
  if (!/^overlay$/m.test(facts)) fail('/etc is not the overlay on var');
  if (/PASSWORD:/.test(facts)) fail(`an account has a password: ${facts}`);
  if (/uninitialized/.test(facts)) fail('machine-id was not generated');
  if (!/^mailroom-helper: active$/m.test(facts)) fail('the privileged helper (mailroom-helper.service) is not active');
  if (!/^helper socket: root:mailroom-admin 660$/m.test(facts)) fail('the helper socket is not root:mailroom-admin 0660');

  const user = `test@${DOMAIN}`;
  const password = randomBytes(12).toString('base64url');
  say(`creating ${user}`);
  m.ssh(`mailroom user add ${user} --password-stdin`, { input: password + '\n' });

  const token = `boot-${randomBytes(6).toString('hex')}`;
  say('sending a message over SMTP (port 25)');
  const smtpStart = Date.now();
  const accepted = await sendOverSmtp(m.ports.smtp, user, `image test ${token}`, token);
  say(`accepted in ${((Date.now() - smtpStart) / 1000).toFixed(1)}s: ${accepted}`);

  say('reading it over POP3 (port 110, STLS)');
  const popFingerprint = await readOverPop3(m.ports.pop3, user, password, token);
  if (popFingerprint !== bannerFingerprint) fail(`POP3 presented ${popFingerprint}, the banner says ${bannerFingerprint}`);
  say('reading it over IMAP (port 143, STARTTLS)');
  const imapFingerprint = await readOverImap(m.ports.imap, user, password, token);
  if (imapFingerprint !== bannerFingerprint) fail(`IMAP presented ${imapFingerprint}, the banner says ${bannerFingerprint}`);

  say('the panel: first admin with the setup token, log in, firewall through the agent and the helper');
  const admin = { username: 'admin', password: randomBytes(12).toString('base64url') };
  const setup = await retrying('the panel (agent on 443)', 1500, () => panelRequest(m.ports.https, 'GET', '/api/v1/setup'));
  if (setup.fingerprint !== bannerFingerprint) fail(`the panel presented ${setup.fingerprint}, the banner says ${bannerFingerprint}`);
  if (setup.status !== 200 || setup.body.required !== true) fail(`GET /api/v1/setup: ${setup.status} ${JSON.stringify(setup.body)}`);
  let created = await panelRequest(m.ports.https, 'POST', '/api/v1/setup', { body: { token: bannerToken, ...admin } });
  let tokenSource = 'the banner';
  if (created.status === 403) {
    // An agent that does not yet take first boot's token prints its own in its log.
    const logged = m.ssh('journalctl -b -u mailroom-agent -o cat --no-pager | grep setupToken | tail -n1 || true');
    const agentToken = /"setupToken":"([^"]+)"/.exec(logged)?.[1];
    if (!agentToken) fail(`POST /api/v1/setup refused the banner's token (${JSON.stringify(created.body)}) and the agent's log has none`);
    say('the agent refused the banner\'s token; using the one in its log (agent/main.ts does not read first boot\'s setup-token yet)');
    created = await panelRequest(m.ports.https, 'POST', '/api/v1/setup', { body: { token: agentToken, ...admin } });
    tokenSource = 'the agent\'s log';
  }
  if (created.status !== 201) fail(`POST /api/v1/setup: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await panelRequest(m.ports.https, 'POST', '/api/v1/session', { body: admin });
  if (login.status !== 200 || login.cookies.length === 0) fail(`POST /api/v1/session: ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = login.cookies.join('; ');
  const firewall = await panelRequest(m.ports.https, 'GET', '/api/v1/firewall', { cookie });
  if (firewall.status !== 200) fail(`GET /api/v1/firewall (agent → helper): ${firewall.status} ${JSON.stringify(firewall.body)}`);
  say(`panel: admin created with the token from ${tokenSource}, logged in; firewall read through the helper (${JSON.stringify(firewall.body).length} bytes)`);
  return { readyAfter, bannerAfter, end };
}

// ---- scenario: update and fall-back ------------------------------------------------------------

// The release server runs in a process of its own: this one blocks in execFileSync while the
// machine's systemd-sysupdate fetches from it over ssh, and a server on our own event loop would
// not answer then (sysupdate's "Transfer failed: Timeout was reached" in the first run).
const RELEASE_SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const [dir, port] = process.argv.slice(1);
http.createServer((req, res) => {
  const name = decodeURIComponent((req.url || '/').split('?')[0]).replace(/^\\/+/, '');
  const file = path.join(dir, name);
  if (name.includes('/') || name === '' || !fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-length': fs.statSync(file).size, 'content-type': 'application/octet-stream' });
  if (req.method === 'HEAD') { res.end(); return; }
  fs.createReadStream(file).pipe(res);
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\\n'));
`;

/** Serves the files of `dir` over HTTP on 127.0.0.1 (the guest reaches it as 10.0.2.2), from a child process. */
async function serveDirectory(dir) {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', RELEASE_SERVER, dir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the release server exited (${code}) before listening`)));
    child.stdout.on('data', (d) => { if (String(d).includes('listening')) resolve(); });
  });
  return { address: () => ({ port }), close: () => { child.kill('SIGTERM'); } };
}

/** The next release, signed: in WORK/update (made before the machine starts, it takes a while). */
function makeSignedRelease(work) {
  const rel = path.join(outDir, 'update-test');
  execFileSync('bash', [path.join(repo, 'image/lib/in-tools.sh'), 'bash', '/src/image/lib/make-test-update.sh', version, NEXT, '/out/update-test'],
    { env: { ...process.env, MAILROOM_IMAGE_OUT: outDir }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 1_200_000 });
  const gnupg = path.join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  const gpg = (args, opts = {}) => execFileSync('gpg', ['--batch', '--quiet', '--homedir', gnupg, '--pinentry-mode', 'loopback', '--passphrase', '', ...args], opts);
  gpg(['--quick-gen-key', 'Mailroom image test release <image-test@example.invalid>', 'ed25519', 'sign', 'never']);
  writeFileSync(path.join(work, 'pubring.gpg'), gpg(['--export']));
  gpg(['--detach-sign', '--output', path.join(rel, 'SHA256SUMS.gpg'), path.join(rel, 'SHA256SUMS')]);
  return rel;
}

// A client of the privileged helper's socket for root's shell on the machine (the protocol:
// agent/helper/helper-protocol.ts): one request, its response on stdout as one JSON line.
const HELPER_CALL = '/var/lib/mailroom-system/helper-call.cjs';
const HELPER_CALL_SCRIPT = `const [command, args] = process.argv.slice(2);
const s = require('node:net').connect('/run/mailroom-helper/helper.sock');
let buf = '';
s.on('data', (d) => { buf += d; const i = buf.indexOf('\\n'); if (i >= 0) { process.stdout.write(buf.slice(0, i + 1)); s.end(); } });
s.on('error', (e) => { process.stdout.write(JSON.stringify({ ok: false, error: { code: 'connect', message: e.message } }) + '\\n'); });
s.write(JSON.stringify({ id: 1, command, args: JSON.parse(args) }) + '\\n');
`;

function helperCall(m, command, args, timeoutS = 600) {
  let out = '';
  try {
    out = m.ssh(`node ${HELPER_CALL} ${command} '${JSON.stringify(args)}'`, { timeoutS });
    return JSON.parse(out.trim().split('\n').at(-1));
  } catch (err) {
    return { ok: false, error: { code: 'client', message: `${err.message} ${out}`.trim() } };
  }
}

/** The agent keeps its state in its own directory; the mail daemon's is the daemon's alone. */
function checkStateDirs(m) {
  const facts = m.ssh([
    'stat -c "%n %U:%G %a" /var/lib/mailroom /var/lib/mailroom/secrets /var/lib/mailroom-agent',
    'ls /var/lib/mailroom-agent | sed "s/^/agent-state: /"',
    'ls /var/lib/mailroom | sed "s/^/mail-state: /"',
  ].join('; '));
  say(`update: state directories:\n${facts.trim()}`);
  if (!/^\/var\/lib\/mailroom mailroom:mailroom 750$/m.test(facts)) fail('/var/lib/mailroom is not mailroom:mailroom 0750');
  if (!/^\/var\/lib\/mailroom\/secrets mailroom:mailroom 750$/m.test(facts)) fail('/var/lib/mailroom/secrets is not mailroom:mailroom 0750');
  if (!/^\/var\/lib\/mailroom-agent mailroom-admin:mailroom-admin 750$/m.test(facts)) fail('/var/lib/mailroom-agent is not mailroom-admin:mailroom-admin 0750');
  if (!/^agent-state: agent\.db$/m.test(facts)) fail('the agent has no agent.db in /var/lib/mailroom-agent');
  if (/^mail-state: (agent\.db|audit\.log)$/m.test(facts)) fail('the agent wrote its files into /var/lib/mailroom');
}

async function updateScenario(m, rel, from) {
  let helperProblem = null;
  checkStateDirs(m);
  const server = await serveDirectory(rel);
  try {
    const port = server.address().port;
    say(`update: release ${NEXT} (${readdirSync(rel).join(', ')}) served on 127.0.0.1:${port}; systemd-sysupdate on the machine`);
    m.ssh('cat > /etc/systemd/import-pubring.gpg', { input: readFileSync(path.join(m.work, 'pubring.gpg')) });
    const listed = m.ssh([
      'set -e',
      'mkdir -p /etc/sysupdate.d',
      `for f in /usr/lib/sysupdate.d/*.transfer; do sed "s|^Path=https\\?://.*|Path=http://10.0.2.2:${port}/|" "$f" > "/etc/sysupdate.d/\${f##*/}"; done`,
      '/usr/lib/systemd/systemd-sysupdate --no-pager list',
    ].join('; '), { timeoutS: 600 });
    say(`update: sysupdate lists:\n${listed.trim()}`);
    // The way the appliance installs it: the agent asks the privileged helper (sysupdate.check,
    // sysupdate.update), which runs systemd-sysupdate as root inside its unit's sandbox.
    m.ssh(`cat > ${HELPER_CALL}`, { input: HELPER_CALL_SCRIPT });
    const check = helperCall(m, 'sysupdate.check', {});
    say(`update: helper sysupdate.check: ${JSON.stringify(check)}`);
    if (!check.ok || check.result.available !== NEXT) helperProblem = `sysupdate.check through the helper did not offer ${NEXT}: ${JSON.stringify(check)}`;
    const applied = helperProblem ? null : helperCall(m, 'sysupdate.update', { reboot: false }, 2400);
    if (applied) say(`update: helper sysupdate.update: ${JSON.stringify(applied)}`);
    if (applied && (!applied.ok || applied.result.installed !== NEXT || applied.result.rebootPending !== true)) helperProblem = `sysupdate.update through the helper: ${JSON.stringify(applied)}`;
    if (helperProblem) {
      // Still prove the A/B mechanics in this run (one run is many minutes): root's own
      // systemd-sysupdate, then the scenario fails at its end with the helper's problem.
      say(`update: ${helperProblem}\nupdate: installing with root's systemd-sysupdate instead, to go on with the boot test`);
      say(m.ssh('/usr/lib/systemd/systemd-sysupdate --no-pager update 2>&1', { timeoutS: 2400 }).trim());
    }
    const out = m.ssh('lsblk -rno PARTLABEL,SIZE /dev/vda | sort; ls /efi/EFI/Linux/');
    say(`update applied:\n${out.trim()}`);
    if (!new RegExp(`^mailroom_${NEXT.replace(/\./g, '\\.')} 2G$`, 'm').test(out)) fail(`root slot B is not labelled mailroom_${NEXT}`);
    if (!new RegExp(`^mailroom_${NEXT.replace(/\./g, '\\.')}\\+3-0\\.efi$`, 'm').test(out)) fail(`no counted UKI mailroom_${NEXT}+3-0.efi on the ESP`);
  } finally {
    server.close();
  }

  say('update: the next health check will fail; rebooting into slot B');
  // A reset while slot B boots (the silence watch) is one more failed try of B: systemd-boot
  // counted it down when it picked the entry (+3-0 -> +2-1), picks it again (+1-2), and the
  // check fails as planned; the assertions below hold either way (+0-N).
  m.phase = `slot B (mailroom_${NEXT}, counted; verbose console)`;
  m.ssh('touch /var/lib/mailroom-system/fail-next-health-check && sync && systemctl reboot --no-block');
  const bad = await m.waitConsole(/mailroom-health-failed: marking this boot entry bad/, from, 'the failed health check on slot B');
  say('slot B failed its health check and was marked bad; waiting for slot A');
  m.phase = 'slot A (after the fall-back)';
  // The banner of the next boot, not one slot B may still print while it goes down.
  const reset = await m.waitConsole(/BdsDxe: (loading|starting) Boot/, bad.at, 'the reboot into slot A');
  const back = await m.waitBanner(reset.at);
  say(`back with the banner:\n${back.banner}`);
  const facts = m.ssh([
    'cat /proc/cmdline',
    'echo "--- boots"; journalctl --list-boots --no-pager | tail -n 3',
    'echo "--- previous boot"; journalctl -b -1 -k -o cat --no-pager 2>/dev/null | grep -m1 "Command line" || echo "(no persistent journal of it)"',
    'echo "--- esp"; ls /efi/EFI/Linux/',
    'echo "--- health"; systemctl is-active mailroom-health',
  ].join('; '));
  say(`after the fall-back:\n${facts.trim()}`);
  const cmdline = facts.split('\n')[0];
  if (!cmdline.includes(`root=PARTLABEL=mailroom_${version} `)) fail(`not back on slot A: ${cmdline}`);
  // The console line above came from slot B (only a counted boot marks itself bad), and the
  // renamed UKI shows it: +0 tries left.
  if (/Command line: /.test(facts) && !new RegExp(`Command line: .*root=PARTLABEL=mailroom_${NEXT.replace(/\./g, '\\.')} `).test(facts)) fail('the previous boot was not slot B');
  if (!new RegExp(`^mailroom_${NEXT.replace(/\./g, '\\.')}\\+0-\\d+\\.efi$`, 'm').test(facts)) fail(`slot B's UKI is not marked bad (mailroom_${NEXT}+0-N.efi)`);
  if (helperProblem) fail(`the A/B update and fall-back worked with root's systemd-sysupdate, but not through the privileged helper: ${helperProblem}`);
  return back.end;
}

// ---- the run -----------------------------------------------------------------------------------

async function main() {
  for (const f of [image, OVMF_CODE, OVMF_VARS]) if (!existsSync(f)) fail(`missing ${f} (build with npm run image; apt-get install ovmf qemu-system-x86 qemu-utils)`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'mailroom-image-test-'));
  const m = new Machine(work);
  let passed = 0;
  try {
    let rel = null;
    if (SCENARIOS.includes('update')) {
      say(`update: making and signing the test release ${NEXT}`);
      rel = makeSignedRelease(work);
    }
    await m.start();
    say(`booting ${path.relative(repo, image)} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB) under qemu -accel tcg`);
    const { readyAfter, bannerAfter, end } = await mailScenario(m);
    passed++;
    let update = 'not run';
    if (rel) {
      const u0 = Date.now();
      await updateScenario(m, rel, end);
      update = `slot B written, booted, failed its health check, back on slot A in ${((Date.now() - u0) / 1000).toFixed(0)}s`;
      passed++;
    }
    say('powering off');
    await m.powerOff();
    const sizes = ['raw.zst', 'qcow2', 'ova'].map((ext) => {
      const f = path.join(outDir, `mailroom-${version}.${ext}`);
      return existsSync(f) ? `${ext} ${(statSync(f).size / 2 ** 20).toFixed(0)} MiB` : `${ext} missing`;
    }).join(', ');
    const findings = m.findings.length ? m.findings.map((f) => `\nFINDING: ${f}`).join('') : '\nfindings: no silent hang';
    console.log(`${findings}\nimage:test passed: mail ready (SMTP greeting) ${readyAfter.toFixed(1)}s and banner ${bannerAfter.toFixed(1)}s after power-on (tcg, load ${os.loadavg()[0].toFixed(1)}); SMTP delivered, POP3 and IMAP read, panel login, helper reached; update: ${update}; sizes: ${sizes}`);
    console.log(`${passed} passed, 0 failed`);
  } catch (err) {
    for (const f of m.findings) console.error(`FINDING: ${f}`);
    console.error(`\nimage:test FAILED after ${since()}s: ${err instanceof TestFailure ? err.message : err.stack}`);
    console.log(`${passed} passed, 1 failed`);
    process.exitCode = 1;
  } finally {
    m.kill();
    // gpg started an agent for the throw-away key's home.
    if (existsSync(path.join(work, 'gnupg'))) { try { execFileSync('gpgconf', ['--homedir', path.join(work, 'gnupg'), '--kill', 'gpg-agent']); } catch { /* none running */ } }
    rmSync(path.join(outDir, 'update-test'), { recursive: true, force: true });
    if (process.env.MAILROOM_IMAGE_KEEP) console.log(`kept ${work}`); else rmSync(work, { recursive: true, force: true });
  }
}

await main();
// Nothing may outlive the verdict: a poll still waiting for a machine that is gone (seen: the
// greeting poll after a failed boot, 25 min until its own timeout) would hold CI's image job.
process.exit(process.exitCode ?? 0);
