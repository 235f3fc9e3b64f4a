// The real `mailroom agent` as a child process for the end-to-end tests: its JSON log lines are
// collected as they come (the tests wait for the ones they need), the end of stderr is kept for
// error messages, and stop() ends it with SIGTERM (SIGKILL if it will not go).

import { spawn, type ChildProcess } from 'node:child_process';
import { MAILROOM_BIN, REPO_ROOT, waitFor, withTimeout } from './harness.js';

export class AgentProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly child: ChildProcess;
  private readonly exit: Promise<void>;
  private stderrTail = '';

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, [MAILROOM_BIN, '--data', dataDir, 'agent'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      partial += chunk;
      let i: number;
      while ((i = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        try { this.lines.push(JSON.parse(line) as Record<string, unknown>); } catch { /* not JSON */ }
      }
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => { this.stderrTail = (this.stderrTail + chunk).slice(-4000); });
    this.exit = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Waits for "agent started". Fails at once if the agent exits first, and either way says what
   * it printed last. 60 s: in CI it starts beside the whole suite and the image build (once it
   * took more than 30 s there).
   */
  async started(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((l) => l.msg === 'agent started')) {
      if (!this.alive || Date.now() > deadline) {
        const last = this.lines.slice(-5).map((l) => JSON.stringify(l)).join('\n');
        throw new Error(`the agent ${this.alive ? `did not start within ${timeoutMs} ms` : `exited (${this.child.exitCode ?? this.child.signalCode}) before it started`}; last lines:\n${last}\nstderr: ${this.stderrTail.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The first-run setup token the agent prints at start. */
  async setupToken(): Promise<string> {
    const line = await waitFor(() => this.lines.find((l) => typeof l.setupToken === 'string'), 20_000, 'the agent to print its setup token');
    return line.setupToken as string;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    await withTimeout(this.exit, 10_000, 'the agent to exit').catch(() => { this.child.kill('SIGKILL'); });
  }
}
