// The real privileged helper (`mailroom --data DIR helper`) as a child process for end-to-end
// tests: started on the config's helper.socket, ready once helper.ping answers through a real
// HelperClient, its output kept for assertion messages, stopped by its own process id (SIGTERM,
// then SIGKILL). Tests run as root here, so it is root as on the appliance.
// (test/e2e/firewall-netns.test.ts starts one inside a network namespace by hand.)

import { spawn, type ChildProcess } from 'node:child_process';
import { HelperClient } from '../../agent/helper/helper-client.js';
import { MAILROOM_BIN, REPO_ROOT, waitFor, withTimeout } from '../e2e/harness.js';

export class HelperProcess {
  readonly child: ChildProcess;
  readonly client: HelperClient;
  private out = '';
  private readonly exit: Promise<void>;

  private constructor(dataDir: string, socketPath: string) {
    this.child = spawn(process.execPath, [MAILROOM_BIN, '--data', dataDir, 'helper'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => { this.out += d.toString(); });
    this.child.stderr!.on('data', (d: Buffer) => { this.out += d.toString(); });
    this.exit = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.client = new HelperClient({ socketPath, timeoutMs: 60_000 });
  }

  /** Starts the helper of `dataDir` listening on `socketPath` (its config's helper.socket). */
  static async start(dataDir: string, socketPath: string): Promise<HelperProcess> {
    const h = new HelperProcess(dataDir, socketPath);
    try {
      await waitFor(async () => {
        if (!h.alive) throw new Error(`the helper exited: ${h.output().slice(-1000)}`);
        return h.client.call('helper.ping').then(() => true, () => false);
      }, 60_000, 'the helper to answer helper.ping', 250);
      return h;
    } catch (err) {
      await h.stop();
      throw err;
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Its log (JSON lines) and stderr so far. */
  output(): string {
    return this.out;
  }

  async stop(): Promise<void> {
    this.client.close();
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    await withTimeout(this.exit, 10_000, 'the helper to exit').catch(() => { this.child.kill('SIGKILL'); });
  }
}
