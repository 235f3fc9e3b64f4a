// A ResticRunner over the privileged helper's process runner (agent/helper: RunArgv), so the
// same backup code runs restic as root on the appliance. The helper returns output only at the
// end, so progress lines are replayed then (the panel sees the run start and finish).

import type { RunArgv } from '../helper/helper-command.js';
import type { ResticRunner } from './restic-runner.js';

/** Every exit code is the runner's to classify (classifyResticFailure), not the helper's. */
const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, i) => i);

export function helperResticRunner(run: RunArgv, options: { program?: string; timeoutMs?: number } = {}): ResticRunner {
  return async (inv) => {
    const result = await run([options.program ?? '/usr/bin/restic', ...inv.args], {
      env: inv.env, ...(inv.cwd ? { cwd: inv.cwd } : {}),
      // A first backup of a large store, or a prune, takes hours.
      timeoutMs: options.timeoutMs ?? 12 * 3600 * 1000,
      maxOutputBytes: 64 * 1024 * 1024,
      okExitCodes: ANY_EXIT_CODE,
    });
    if (inv.onStdoutLine) for (const line of result.stdout.split('\n')) if (line.trim()) inv.onStdoutLine(line);
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
}
