// The environment restic is started in: the base env the composition root passed in (PATH and
// HOME picked from its process environment), the backend credentials, and RESTIC_PASSWORD;
// nothing else from the caller's environment, and nothing read from process.env below the root.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResticClient, resticBaseEnv } from '../../../agent/backup/restic-client.js';
import type { ResticInvocation, ResticRunner } from '../../../agent/backup/restic-runner.js';

test('resticBaseEnv keeps PATH and HOME only, with a default PATH', () => {
  assert.deepEqual(resticBaseEnv({ PATH: '/opt/bin:/usr/bin', HOME: '/home/m', SECRET_TOKEN: 'x', LANG: 'C' }), { PATH: '/opt/bin:/usr/bin', HOME: '/home/m' });
  assert.deepEqual(resticBaseEnv({}), { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
  assert.deepEqual(resticBaseEnv({ PATH: '/bin', HOME: '' }), { PATH: '/bin' });
});

test('the child gets the base env, the backend credentials and the password, in that order of precedence', async () => {
  const seen: ResticInvocation[] = [];
  const runner: ResticRunner = async (inv) => { seen.push(inv); return { code: 0, stdout: '[]', stderr: '' }; };
  const client = new ResticClient({
    repository: { kind: 'local', location: '/srv/backup' }, password: 'pw', runner,
    baseEnv: { PATH: '/only/this', HOME: '/root', RESTIC_PASSWORD: 'not this one' },
    env: { AWS_ACCESS_KEY_ID: 'AK', HOME: '/backend/home' },
  });
  assert.deepEqual(await client.snapshots('mailroom'), []);
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]!.env, { PATH: '/only/this', HOME: '/backend/home', AWS_ACCESS_KEY_ID: 'AK', RESTIC_PASSWORD: 'pw' });
  assert.deepEqual(seen[0]!.args, ['--repo', '/srv/backup', 'snapshots', '--json', '--tag', 'mailroom']);
});
