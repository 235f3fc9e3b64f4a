// A minimal client of qemu's machine protocol (QMP) for the boot test: one socket, one command
// at a time, events ignored. The boot test uses it to see whether a silent machine still does
// anything (block I/O counters), to record where its CPUs are when it does not (registers), and
// to reset it.

import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export class Qmp {
  /** Connects to qemu's `-qmp unix:PATH,server=on,wait=off` socket (retrying while qemu starts). */
  static async connect(socketPath, timeoutMs = 60_000) {
    const started = Date.now();
    for (;;) {
      try {
        const sock = await new Promise((resolve, reject) => {
          const s = net.connect(socketPath);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        const q = new Qmp(sock);
        await q.reply(); // the greeting
        await q.command('qmp_capabilities');
        return q;
      } catch (err) {
        if (Date.now() - started > timeoutMs) throw new Error(`QMP: could not connect to ${socketPath}: ${err.message}`);
        await sleep(200);
      }
    }
  }

  constructor(sock) {
    this.sock = sock;
    this.buf = '';
    this.waiting = [];
    this.replies = [];
    this.closed = false;
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      this.buf += d;
      for (let i; (i = this.buf.indexOf('\n')) >= 0;) {
        const line = this.buf.slice(0, i).trim();
        this.buf = this.buf.slice(i + 1);
        if (!line) continue;
        let msg;
        try { msg = JSON.parse(line); } catch { continue; }
        if (msg.event) continue;
        const w = this.waiting.shift();
        if (w) w.resolve(msg); else this.replies.push(msg);
      }
    });
    const gone = () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('QMP: connection closed'));
    };
    sock.on('close', gone);
    sock.on('error', gone);
  }

  reply() {
    if (this.replies.length) return Promise.resolve(this.replies.shift());
    if (this.closed) return Promise.reject(new Error('QMP: connection closed'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Runs one command; resolves with its `return`, rejects with its `error`. */
  async command(execute, args) {
    if (this.closed) throw new Error('QMP: connection closed');
    this.sock.write(JSON.stringify(args ? { execute, arguments: args } : { execute }) + '\n');
    const msg = await this.reply();
    if (msg.error) throw new Error(`QMP ${execute}: ${msg.error.class}: ${msg.error.desc}`);
    return msg.return;
  }

  /** A human monitor command (`info registers -a`), its text. */
  hmp(commandLine) { return this.command('human-monitor-command', { 'command-line': commandLine }); }

  /** Sum of read, write and flush operations on every block device: moves while a boot does anything. */
  async blockOps() {
    const stats = await this.command('query-blockstats');
    return stats.reduce((n, d) => n + (d.stats?.rd_operations ?? 0) + (d.stats?.wr_operations ?? 0) + (d.stats?.flush_operations ?? 0), 0);
  }

  close() { this.closed = true; this.sock.destroy(); }
}
