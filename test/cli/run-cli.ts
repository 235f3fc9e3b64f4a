// Runs the real `mailroom` command (bin/mailroom.js over the compiled tree) in a child process.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (dir !== path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'mailroom.js')) && existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the repository root above ' + fileURLToPath(import.meta.url));
}

export const MAILROOM_BIN = path.join(findRepoRoot(), 'bin', 'mailroom.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** `mailroom --data DIR ...args`, with `input` on stdin (stdin closed empty when absent). */
export function runCli(dataDir: string, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.MAILROOM_DATA;
    const child = execFile(process.execPath, [MAILROOM_BIN, '--data', dataDir, ...args], { env, encoding: 'buffer', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && code === -1) { reject(err); return; }
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), stdoutBytes: stdout });
    });
    child.stdin!.end(input ?? '');
  });
}

/** The command failed with exactly one `mailroom: ...` line on stderr and the given exit code. */
export function assertOneLineError(result: CliResult, code: number, pattern?: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, /^mailroom: [^\n]+\n$/, `stderr must be one line: ${JSON.stringify(result.stderr)}`);
  if (pattern) assert.match(result.stderr, pattern);
}

export function makeTempDir(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'mailroom-cli-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
