// The helper's one way to start a process: spawn with an argv array (never a shell, so no
// argument is ever parsed as shell syntax), a minimal environment, a timeout after which the
// process is killed, and stdout/stderr each capped so a runaway program cannot fill memory.
// The program runs in a process group of its own, and a timeout kills the whole group: the
// backup child runs restic, and killing the child alone left restic running (and holding the
// output pipes open, so the timeout's answer waited for restic too).

import { spawn } from 'node:child_process';
import { HelperError, type RunArgv, type RunOptions, type RunResult } from './helper-command.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;
const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function firstLine(text: string): string {
  return text.trim().split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
}

export function createArgvRunner(defaults: { path?: string } = {}): RunArgv {
  return (argv, options: RunOptions = {}) => new Promise<RunResult>((resolve, reject) => {
    const program = argv[0];
    if (typeof program !== 'string' || program === '' || argv.some((a) => typeof a !== 'string' || a.includes('\0'))) {
      reject(new HelperError('internal', 'run-argv: argv must be non-empty strings without NUL'));
      return;
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const ok = options.okExitCodes ?? [0];
    const child = spawn(program, argv.slice(1), {
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: defaults.path ?? SAFE_PATH, LANG: 'C', LC_ALL: 'C', ...options.env },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = []; const err: Buffer[] = [];
    let outBytes = 0; let errBytes = 0; let truncated = false; let timedOut = false;
    const collect = (chunks: Buffer[], size: () => number, add: (n: number) => void) => (chunk: Buffer) => {
      const room = cap - size();
      if (room <= 0) { truncated = true; return; }
      if (chunk.length > room) { truncated = true; chunk = chunk.subarray(0, room); }
      chunks.push(chunk); add(chunk.length);
    };
    child.stdout.on('data', collect(out, () => outBytes, (n) => { outBytes += n; }));
    child.stderr.on('data', collect(err, () => errBytes, (n) => { errBytes += n; }));
    const timer = setTimeout(() => { timedOut = true; killGroup(child.pid); }, timeoutMs);
    child.stdin.on('error', () => undefined); // the program may exit without reading its input
    child.stdin.end(options.input ?? '');
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new HelperError('process_failed', `${program}: cannot start (${e.code ?? e.message})`, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = { exitCode: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), truncated };
      if (timedOut) { reject(new HelperError('process_timeout', `${program}: no answer after ${Math.round(timeoutMs / 1000)} s, killed`)); return; }
      if (code === null || !ok.includes(code)) {
        const why = firstLine(result.stderr) || firstLine(result.stdout) || (signal ? `killed by ${signal}` : `exit code ${code}`);
        reject(Object.assign(new HelperError('process_failed', `${program} failed: ${why}`), { result }));
        return;
      }
      resolve(result);
    });
  });
}

/** SIGKILL to the program's process group (its pid: spawned detached), so its children go too. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone (the group is empty), or not ours to signal.
  }
}
