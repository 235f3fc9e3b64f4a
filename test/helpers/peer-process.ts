// The process side of a real peer started as a test fixture or a benchmark's companion (rspamd,
// clamd): a free loopback port, spawn with its output kept for error messages, wait until a
// readiness probe answers (failing early when the process exits), stop by the process id we
// started (SIGTERM, SIGKILL after a grace period), and a synchronous kill for process exit so a
// crashed test run leaves no daemon behind. What "ready" means and how the peer is configured
// stay with each fixture.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface PeerReadiness {
  /** True once the peer answers as it should. */
  probe: () => Promise<boolean>;
  timeoutMs: number;
  /** Extra context for the error (the peer's own log), read only when it fails. */
  logTail?: () => string;
}

/** Largest part of the peer's stdout/stderr kept for error messages. */
const OUTPUT_KEEP = 20_000;
const STOP_GRACE_MS = 10_000;

export class PeerProcess {
  /** The last bytes the peer wrote to stdout and stderr. */
  output = '';
  /** Milliseconds from spawn until the readiness probe answered. */
  startupMs = 0;
  private child: ChildProcess | null = null;
  private exited = true;
  private exitPromise: Promise<void> = Promise.resolve();

  /** @param name how errors name the peer ("rspamd", "clamd") */
  constructor(readonly name: string) {}

  get alive(): boolean { return !this.exited; }
  get pid(): number | undefined { return this.child && !this.exited ? this.child.pid : undefined; }

  /** Spawns the peer and resolves once `ready.probe` answers; rejects if it exits first or times out. */
  async start(bin: string, args: string[], ready: PeerReadiness): Promise<void> {
    const started = Date.now();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = false;
    this.exitPromise = new Promise((resolve) => {
      const gone = () => { this.exited = true; resolve(); };
      child.once('exit', gone);
      // A spawn failure (missing binary) may come without an 'exit'; the loop below reports it.
      child.once('error', (err) => { this.output += `\n${err.message}`; gone(); });
    });
    const keep = (d: Buffer) => { this.output = (this.output + d.toString()).slice(-OUTPUT_KEEP); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + ready.timeoutMs;
    while (!(await ready.probe())) {
      if (this.exited) throw new Error(`${this.name} exited before it was ready: ${this.output.slice(-2000)} ${ready.logTail?.() ?? ''}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${ready.timeoutMs / 1000} s: ${ready.logTail?.() ?? ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    this.startupMs = Date.now() - started;
  }

  /** SIGTERM to the process we started, and wait for it (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    if (this.exited || !this.child) return;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** For process exit: no waiting is possible there. */
  killSync(): void {
    try { if (this.child && !this.exited) this.child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

/** Fixtures still running at process exit get stopSync() (a test that crashed, a bench that threw). */
const live = new Set<{ stopSync(): void }>();
let hooked = false;

export function stopAtExit(fixture: { stopSync(): void }): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => { for (const f of live) f.stopSync(); });
  }
  live.add(fixture);
}

export function stoppedCleanly(fixture: { stopSync(): void }): void {
  live.delete(fixture);
}
