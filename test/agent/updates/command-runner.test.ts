// The spawn runner's environment is the base env its composition root passed in plus the call's
// own variables; it never reaches for process.env itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSpawnRunner, lastLine } from '../../../agent/updates/command-runner.js';

const NODE = process.execPath;
const PRINT_ENV = 'process.stdout.write(JSON.stringify({ a: process.env.MR_A ?? null, b: process.env.MR_B ?? null, home: process.env.HOME ?? null }))';

test('the child sees the base env, overridden by the call\'s env, and nothing else of ours', async () => {
  const run = createSpawnRunner({ MR_A: 'base-a', MR_B: 'base-b' });
  const result = await run([NODE, '-e', PRINT_ENV], { env: { MR_B: 'call-b' } });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { a: 'base-a', b: 'call-b', home: null });
});

test('exit code and stderr come back; an empty argv is refused', async () => {
  const run = createSpawnRunner({});
  const result = await run([NODE, '-e', 'process.stderr.write("first\\nlast words\\n"); process.exit(3)']);
  assert.equal(result.code, 3);
  assert.equal(lastLine(result.stderr), 'last words');
  await assert.rejects(run([]), /empty command/);
});
