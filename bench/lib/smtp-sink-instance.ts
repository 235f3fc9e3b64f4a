// Postfix's smtp-sink as the far end of the outbound benchmark: it takes every message and throws
// it away, so the bench measures the sending MTA, not a receiver's disk. It runs with -c, which
// prints running counters ("sess=N quit=N mesg=N", carriage-return separated) on every session
// end, QUIT and end of DATA; we read that from its stdout to know how many messages arrived and
// when, without a dump file (writing one would make the sink the bottleneck).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sleep, waitForSmtp } from './proc.js';

export const SMTP_SINK = '/usr/sbin/smtp-sink';

export interface SmtpSinkOptions {
  port: number;
  /** Name in its greeting and EHLO reply. */
  hostname?: string;
  /** Most sessions at once (smtp-sink -m); more wait in the listen backlog. */
  maxSessions?: number;
}

export class SmtpSinkInstance {
  private child: ChildProcess | null = null;
  private exited = false;
  private stderr = '';
  private partial = '';
  private count = 0;
  private sessions = 0;
  /** hrtime of the last change of the message counter. */
  private lastAt = process.hrtime.bigint();
  private waiters: { target: number; resolve: () => void }[] = [];

  constructor(private readonly opts: SmtpSinkOptions) {}

  get port(): number {
    return this.opts.port;
  }

  get pid(): number | null {
    return this.child && !this.exited ? this.child.pid ?? null : null;
  }

  /** Messages whose end of DATA the sink has seen since it started. */
  get received(): number {
    return this.count;
  }

  /** Sessions that ended since it started. */
  get sessionsEnded(): number {
    return this.sessions;
  }

  /** When the counter last moved (process.hrtime.bigint()). */
  get lastReceivedAt(): bigint {
    return this.lastAt;
  }

  async start(): Promise<void> {
    if (!existsSync(SMTP_SINK)) throw new Error(`${SMTP_SINK} is missing (it comes with the postfix package)`);
    const max = this.opts.maxSessions ?? 256;
    // As root smtp-sink insists on -u; it drops to that user after binding.
    const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    const args = [...user, '-c', '-h', this.opts.hostname ?? 'sink.remote.example', '-m', String(max), `127.0.0.1:${this.opts.port}`, String(max)];
    this.child = spawn(SMTP_SINK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => this.onCounters(d.toString('latin1')));
    this.child.stderr!.on('data', (d: Buffer) => { if (this.stderr.length < 4000) this.stderr += d.toString(); });
    this.child.on('exit', () => { this.exited = true; });
    await waitForSmtp(this.opts.port, 10000, () => !this.exited).catch((err: Error) => {
      throw new Error(`smtp-sink: ${err.message}: ${this.stderr.trim()}`);
    });
    // waitForSmtp's own session ends with QUIT: that moves sess/quit, never mesg.
  }

  private onCounters(text: string): void {
    this.partial += text;
    const parts = this.partial.split(/[\r\n]/);
    this.partial = parts.pop() ?? '';
    for (const p of parts) {
      const m = /mesg=(\d+)/.exec(p);
      const s = /sess=(\d+)/.exec(p);
      if (s) this.sessions = Number(s[1]);
      if (m && Number(m[1]) !== this.count) {
        this.count = Number(m[1]);
        this.lastAt = process.hrtime.bigint();
      }
    }
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => this.count >= w.target);
      this.waiters = this.waiters.filter((w) => this.count < w.target);
      for (const w of ready) w.resolve();
    }
  }

  /**
   * Resolves when the counter reaches `target` (true) or after `capMs` (false). The moment the
   * counter reached it is `lastReceivedAt`.
   */
  waitFor(target: number, capMs: number): Promise<boolean> {
    if (this.count >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, capMs);
      const waiter = { target, resolve: () => { clearTimeout(timer); resolve(true); } };
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill('SIGTERM');
      const deadline = Date.now() + 5000;
      while (!this.exited && Date.now() < deadline) await sleep(20);
      if (!this.exited) this.child.kill('SIGKILL');
    }
  }

  stopSync(): void {
    if (this.child && !this.exited) this.child.kill('SIGKILL');
  }
}
