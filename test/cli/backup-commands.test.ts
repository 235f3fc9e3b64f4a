// `mailroom backup`: bad input is refused with one line and the right exit code before restic
// or the data directory is touched. (The real backups and restores: test/e2e/backup.test.ts.)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertOneLineError, makeTempDir, MAILROOM_BIN, type CliResult } from './run-cli.js';

// MAILROOM_E2E_BIN runs these against another build of the CLI.
const BIN = process.env.MAILROOM_E2E_BIN || MAILROOM_BIN;

function cli(dataDir: string, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.MAILROOM_DATA;
    const child = execFile(process.execPath, [BIN, '--data', dataDir, 'backup', ...args], { env, encoding: 'buffer', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && code === -1) { reject(err); return; }
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), stdoutBytes: stdout });
    });
    child.stdin!.end(input ?? '');
  });
}

let tmp: ReturnType<typeof makeTempDir>;
let data: string;
before(() => { tmp = makeTempDir(); data = path.join(tmp.root, 'data'); });
after(() => tmp.cleanup());

test('usage errors exit 2 with one line', async () => {
  const repo = path.join(tmp.root, 'repo');
  const cases: [string[], RegExp][] = [
    [[], /missing sub-command/],
    [['frobnicate'], /unknown sub-command "frobnicate"/],
    [['create', '--password-stdin'], /--repo is required/],
    [['create', '--repo', repo], /--password-stdin is required/],
    [['list', '--repo', repo, '--password', 'x'], /unknown option --password/],
    [['restore', '--repo', repo, '--password-stdin'], /exactly one of --target NEWDIR .* or --mailbox ADDR/],
    [['restore', '--repo', repo, '--password-stdin', '--target', 'x', '--mailbox', 'a@b.test'], /exactly one of/],
    [['list', 'extra', '--repo', repo, '--password-stdin'], /unexpected argument "extra"/],
  ];
  for (const [args, pattern] of cases) assertOneLineError(await cli(data, args, 'pw\n'), 2, pattern);
  assert.ok(!existsSync(repo));
});

test('bad values exit 1 with one line and create nothing', async () => {
  const repo = path.join(tmp.root, 'repo');
  assertOneLineError(await cli(data, ['list', '--repo', 's3:bucket', '--password-stdin'], 'pw\n'), 1, /invalid backup repository "s3:bucket"/);
  assertOneLineError(await cli(data, ['restore', '--repo', repo, '--password-stdin', '--snapshot', '--x', '--target', 't'], 'pw\n'), 2);
  assertOneLineError(await cli(data, ['restore', '--repo', repo, '--password-stdin', '--snapshot', 'nothex!', '--target', 't'], 'pw\n'), 1, /not a snapshot id/);
  assertOneLineError(await cli(data, ['list', '--repo', repo, '--password-stdin'], ''), 1, /no password on standard input/);
  assertOneLineError(await cli(data, ['list', '--repo', repo, '--password-stdin'], 'pw\n'), 1, /no backup repository at that location/);
  // create needs an initialised data directory before anything else happens.
  assertOneLineError(await cli(data, ['create', '--repo', repo, '--password-stdin'], 'pw\n'), 1, /config/);
  assert.ok(!existsSync(repo));
  // A directory that is not empty and not a repository is not turned into one.
  const foreign = path.join(tmp.root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(path.join(foreign, 'photo.jpg'), 'x');
  const init = await new Promise<number>((resolve) => execFile(process.execPath, [BIN, '--data', data, 'init', '--hostname', 'mx.cli.test'], (err) => resolve(err ? 1 : 0)));
  assert.equal(init, 0);
  assertOneLineError(await cli(data, ['create', '--repo', foreign, '--password-stdin'], 'pw\n'), 1, /is not empty and is not a restic repository/);
  assert.deepEqual(readdirSync(foreign), ['photo.jpg']);
});
