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

// MAILROOM_E2E_BIN points these tests at another build of the same CLI, as it does the e2e suite.
export const MAILROOM_BIN = process.env.MAILROOM_E2E_BIN || path.join(findRepoRoot(), 'bin', 'mailroom.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/**
 * cli/main.js of this same build (beside the tests in the output tree): for tests that must run
 * the code they were compiled with, whatever dist/ (which bin/mailroom.js loads) holds.
 */
export const BUILD_CLI_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** `mailroom --data DIR ...args`, with `input` on stdin (stdin closed empty when absent). */
export function runCli(dataDir: string, args: string[], input?: string): Promise<CliResult> {
  return runEntry(MAILROOM_BIN, dataDir, args, input);
}

/** runCli, but through this build's cli/main.js rather than bin/mailroom.js. */
export function runBuildCli(dataDir: string, args: string[], input?: string): Promise<CliResult> {
  return runEntry(BUILD_CLI_MAIN, dataDir, args, input);
}

function runEntry(entry: string, dataDir: string, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.MAILROOM_DATA;
    const child = execFile(process.execPath, [entry, '--data', dataDir, ...args], { env, encoding: 'buffer', timeout: 60_000 }, (err, stdout, stderr) => {
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

/**
 * A temp dir holding DIR (`root/data`) made by the real CLI: `init --hostname HOST`, then each
 * domain, then each user with `password`. Every step must succeed.
 */
export async function makeCliDataDir(cli: typeof runCli, setup: { hostname: string; domains: string[]; users?: string[]; password?: string }): Promise<{ root: string; data: string; cleanup: () => void }> {
  const tmp = makeTempDir();
  const data = path.join(tmp.root, 'data');
  try {
    for (const args of [['init', '--hostname', setup.hostname], ...setup.domains.map((d) => ['domain', 'add', d])]) {
      const res = await cli(data, args);
      assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
    }
    for (const user of setup.users ?? []) {
      const res = await cli(data, ['user', 'add', user, '--password-stdin'], `${setup.password ?? ''}\n`);
      assert.equal(res.code, 0, `user add ${user}: ${res.stderr}`);
    }
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
  return { ...tmp, data };
}
