// Adapts the privileged helper's process runner (agent/helper/run-argv.ts: throws on a non-zero
// exit) to the update code's CommandRunner (returns the exit code), with apt's long timeout.

import type { RunArgv } from '../helper/helper-command.js';
import type { CommandRunner } from './command-runner.js';

const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);

export function helperCommandRunner(run: RunArgv): CommandRunner {
  return async (argv, options = {}) => {
    const [program, ...rest] = argv;
    if (!program) throw new Error('empty command');
    const r = await run([program, ...rest], { timeoutMs: options.timeoutMs ?? 30 * 60_000, okExitCodes: ANY_EXIT, ...(options.env ? { env: options.env } : {}) });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };
}
