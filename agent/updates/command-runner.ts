// Runs a program from an argv array (never a shell) and collects its output. The update flow
// takes a runner rather than spawning itself, so that on the appliance the root-only steps
// (apt, restarting services) go through the privileged helper, and tests can substitute one.

import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

export type CommandRunner = (argv: readonly string[], options?: RunOptions) => Promise<CommandResult>;

const MAX_OUTPUT = 8 * 1024 * 1024;

/**
 * A runner that spawns argv[0] with the rest as arguments, in `baseEnv` (the process's own
 * environment, passed in by its composition root) plus options.env; it kills the child after
 * timeoutMs (default 30 minutes: apt can be slow).
 */
export const createSpawnRunner = (baseEnv: Readonly<Record<string, string | undefined>>): CommandRunner => (argv, options = {}) => new Promise((resolve, reject) => {
  if (argv.length === 0) { reject(new Error('empty command')); return; }
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv, ...options.env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = 0;
  const keep = (into: Buffer[]) => (b: Buffer) => { size += b.length; if (size <= MAX_OUTPUT) into.push(b); };
  child.stdout.on('data', keep(out));
  child.stderr.on('data', keep(err));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
  child.on('error', (e) => { clearTimeout(timer); reject(e); });
  child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
  });
});

/** The last line of a failed command's stderr, for a one-line error. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1]?.slice(0, 300) ?? '';
}
