// The real `mailroom agent` as a child process for the end-to-end tests: its JSON log lines are
// collected as they come (the tests wait for the ones they need), stderr is drained, and stop()
// ends it with SIGTERM (SIGKILL if it will not go).

import { spawn, type ChildProcess } from 'node:child_process';
import { MAILROOM_BIN, REPO_ROOT, waitFor, withTimeout } from './harness.js';

export class AgentProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly child: ChildProcess;
  private readonly exit: Promise<void>;

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
    this.child.stderr!.resume();
    this.exit = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
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
