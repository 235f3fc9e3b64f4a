// How restic is started: an argv array, never a shell. A runner is a function so the same
// backup code can run restic directly (the CLI, tests) or through the privileged helper on the
// appliance, where restic runs as root.

import { spawn } from 'node:child_process';
import { BackupError } from './backup-error.js';

export interface ResticInvocation {
  /** Arguments after the program name, e.g. ['--repo', R, 'snapshots', '--json']. */
  args: readonly string[];
  /** The whole environment of the child (RESTIC_PASSWORD and backend credentials included). */
  env: Readonly<Record<string, string>>;
  cwd?: string;
  /** Called with each complete line of stdout as it arrives (restic --json progress). */
  onStdoutLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface ResticResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type ResticRunner = (invocation: ResticInvocation) => Promise<ResticResult>;

/** stdout kept for the result; progress lines are streamed and need not be kept whole. */
const MAX_KEPT_OUTPUT = 64 * 1024 * 1024;

/** Runs the restic binary at `program` (default /usr/bin/restic) as a child process. */
export function spawnRestic(program = '/usr/bin/restic'): ResticRunner {
  return (inv) => new Promise((resolve, reject) => {
    const child = spawn(program, [...inv.args], {
      env: { ...inv.env }, cwd: inv.cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false,
      ...(inv.signal ? { signal: inv.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < MAX_KEPT_OUTPUT) stdout += chunk;
      if (!inv.onStdoutLine) return;
      partial += chunk;
      let i: number;
      while ((i = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        if (line.trim()) inv.onStdoutLine(line);
      }
    });
    child.stderr.on('data', (chunk: string) => { if (stderr.length < 1024 * 1024) stderr += chunk; });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new BackupError('restic_missing', `restic is not installed (${program}); install the Debian package restic`, { cause: err }));
      else reject(err);
    });
    child.on('close', (code, signal) => {
      if (partial.trim() && inv.onStdoutLine) inv.onStdoutLine(partial);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
