// What the peer fixtures (rspamd, clamd) share around their PeerProcess: a private temporary
// directory, the process's figures, the tail of the peer's log for error messages, restart on
// the same ports, and a stop that removes the directory; a fixture still running at process
// exit is killed (stopAtExit). How the peer is configured, started and probed stays with each.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PeerProcess, stopAtExit, stoppedCleanly } from './peer-process.js';

export abstract class PeerFixture {
  readonly dir: string;
  protected readonly process: PeerProcess;

  /** @param name how errors and the temporary directory name the peer ("rspamd", "clamd") */
  protected constructor(name: string) {
    this.process = new PeerProcess(name);
    this.dir = mkdtempSync(path.join(os.tmpdir(), `mailroom-test-${name}-`));
    stopAtExit(this);
  }

  /** Milliseconds from spawn until the peer answered its readiness probe. */
  get startupMs(): number { return this.process.startupMs; }
  /** The last of what the peer wrote to stdout and stderr. */
  get output(): string { return this.process.output; }
  get alive(): boolean { return this.process.alive; }
  get pid(): number | undefined { return this.process.pid; }

  /** The peer's own log file. */
  protected abstract get logFile(): string;

  /** Spawns the peer (on the same ports again after a stop) and waits until it is ready. */
  protected abstract start(): Promise<void>;

  logTail(n = 20): string {
    try { return readFileSync(this.logFile, 'utf8').split('\n').slice(-n).join('\n'); } catch { return ''; }
  }

  /** SIGTERM to the process we started, and wait for it (SIGKILL after 10 s). */
  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** Starts it again on the same ports (and socket path). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    stoppedCleanly(this);
  }

  stopSync(): void {
    this.process.killSync();
    try { rmSync(this.dir, { recursive: true, force: true }); } catch { /* best effort */ }
    stoppedCleanly(this);
  }
}
