// The helper's one process runner: argv only, a timeout that kills, capped output, typed errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArgvRunner } from '../../../agent/helper/run-argv.js';
import type { HelperError } from '../../../agent/helper/helper-command.js';

const run = createArgvRunner();

test('runs a program with its argv and stdin', async () => {
  const r = await run(['cat'], { input: 'hello; rm -rf /' });
  assert.equal(r.stdout, 'hello; rm -rf /');
  assert.equal(r.exitCode, 0);
});

test('a non-zero exit is process_failed with the first stderr line, unless allowed', async () => {
  await assert.rejects(run(['sh', '-c', 'echo boom >&2; echo more >&2; exit 3']), (err: HelperError) => err.code === 'process_failed' && /boom/.test(err.message) && !/more/.test(err.message));
  const r = await run(['sh', '-c', 'exit 1'], { okExitCodes: [0, 1] });
  assert.equal(r.exitCode, 1);
});

test('a missing program is process_failed', async () => {
  await assert.rejects(run(['/nonexistent/program']), (err: HelperError) => err.code === 'process_failed' && /ENOENT/.test(err.message));
});

test('a process past its timeout is killed: process_timeout', async () => {
  await assert.rejects(run(['sleep', '30'], { timeoutMs: 300 }), (err: HelperError) => err.code === 'process_timeout');
});

test('a timeout kills the program\'s children too, and answers without waiting for them', async () => {
  // A duration no other process uses, to find the grandchild by its command line.
  const marker = `sleep 59.${process.pid}`;
  const alive = async () => (await run(['pgrep', '-f', `^${marker.replace('.', '\\.')}$`], { okExitCodes: [0, 1] })).stdout.trim();
  const started = Date.now();
  await assert.rejects(run(['sh', '-c', `${marker} & wait`], { timeoutMs: 500 }), (err: HelperError) => err.code === 'process_timeout');
  assert.ok(Date.now() - started < 30_000, 'the answer did not wait for the grandchild');
  let left = await alive();
  for (let i = 0; i < 50 && left !== ''; i++) { await new Promise((r) => setTimeout(r, 100)); left = await alive(); }
  assert.equal(left, '', `the grandchild "${marker}" is still running`);
});

test('output past the cap is cut and marked truncated', async () => {
  const r = await run(['head', '-c', '100000', '/dev/zero'], { maxOutputBytes: 1000 });
  assert.equal(r.stdout.length, 1000);
  assert.equal(r.truncated, true);
});

test('argv with NUL is refused before anything starts', async () => {
  await assert.rejects(run(['echo', 'a\0b']), (err: HelperError) => err.code === 'internal');
});
