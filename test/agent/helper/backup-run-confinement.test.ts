// The helper's backup.run through its dispatcher, on a real temp DIR: config.json is the mail
// daemon's, so each value it gives root is checked before restic starts. A backend variable
// that would make restic run or read something, a password file that is a symlink, outside
// DIR, in a symlinked directory, a FIFO or someone else's file, a local repository inside DIR
// or relative, and an SFTP host that would be an ssh option are each refused with their code,
// nothing started and no repository made. A clean configuration still backs up with the real
// restic (run as DIR's owner by the backup child: backup-run-as-owner.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { BACKUP_CHILD_SCRIPT } from '../../../agent/backup/backup-as-owner.js';
import { catalogueByName } from '../../../agent/helper/catalogue.js';
import { backupRunCommand } from '../../../agent/helper/commands/backup-run.js';
import type { HelperContext, RunArgv } from '../../../agent/helper/helper-command.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import type { HelperResponse } from '../../../agent/helper/helper-protocol.js';
import { createArgvRunner } from '../../../agent/helper/run-argv.js';

const asRoot = process.getuid?.() === 0;
const SECRET = 'root-only-secret-line';

interface Fixture {
  dataDir: string;
  /** A directory outside DIR (the attacker's target, or a repository's parent). */
  outside: string;
  /** Every argv the command started. */
  started: string[][];
  call(backup: Partial<Config['backup']>, run?: RunArgv): Promise<HelperResponse>;
}

function fixture(t: { after: (fn: () => void) => void }): Fixture {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-backup-dir-'));
  const outside = mkdtempSync(path.join(os.tmpdir(), 'mailroom-backup-outside-'));
  t.after(() => { rmSync(dataDir, { recursive: true, force: true }); rmSync(outside, { recursive: true, force: true }); });
  mkdirSync(path.join(dataDir, 'secrets'));
  writeFileSync(path.join(dataDir, 'secrets', 'backup.password'), 'correct horse\n', { mode: 0o600 });
  writeFileSync(path.join(dataDir, 'config.json'), '{}\n');
  writeFileSync(path.join(outside, 'shadow'), `${SECRET}\n`, { mode: 0o600 });
  const started: string[][] = [];
  let id = 0;
  return {
    dataDir, outside, started,
    call: (backup, run) => {
      const recording: RunArgv = async (argv, options) => {
        started.push([...argv]);
        if (run) return run(argv, options);
        throw new Error('restic must not start');
      };
      const context = (logger: typeof silentLogger): HelperContext => ({
        run: recording, logger, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: outside }, dataDir,
        config: () => ({
          dataDir, hostname: 'mx.example.test',
          backup: { enabled: true, repository: path.join(outside, 'repo'), passwordFile: 'secrets/backup.password', schedule: '30 2 * * *', keep: { daily: 7, weekly: 4, monthly: 6 }, env: {}, ...backup },
        }) as unknown as Config,
        shared: (_key, create) => create(),
      });
      const dispatcher = new HelperDispatcher(catalogueByName([backupRunCommand]), context, silentLogger);
      return dispatcher.dispatch({ id: ++id, command: 'backup.run', args: {} });
    },
  };
}

function refusal(r: HelperResponse): { code: string; message: string } {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r)}`);
  return (r as { error: { code: string; message: string } }).error;
}

test('a backend variable that would make root run or read something is refused before restic starts', async (t) => {
  const f = fixture(t);
  const attempts: Record<string, string>[] = [
    { RESTIC_PASSWORD_COMMAND: '/var/lib/mailroom/evil' },
    { AWS_SHARED_CREDENTIALS_FILE: '/root/.aws/credentials' },
    { AWS_WEB_IDENTITY_TOKEN_FILE: '/etc/shadow' },
    { PATH: '/var/lib/mailroom/bin' },
    { LD_PRELOAD: '/var/lib/mailroom/evil.so' },
    { AWS_ACCESS_KEY_ID: 'AK\nRESTIC_PASSWORD_COMMAND=/bin/sh' },
  ];
  for (const env of attempts) {
    const e = refusal(await f.call({ env }));
    assert.equal(e.code, 'invalid_backup_config', JSON.stringify(env));
    assert.match(e.message, /backup\.env\./);
  }
  assert.deepEqual(f.started, []);
  assert.equal(existsSync(path.join(f.outside, 'repo')), false);
});

test('a password file that is a symlink, outside DIR, behind a symlinked directory or a FIFO is refused, unread', async (t) => {
  const f = fixture(t);
  const shadow = path.join(f.outside, 'shadow');
  // A symlink where the password file should be.
  symlinkSync(shadow, path.join(f.dataDir, 'secrets', 'planted'));
  let e = refusal(await f.call({ passwordFile: 'secrets/planted' }));
  assert.equal(e.code, 'helper_path_refused');
  // A path that leaves DIR, relative or absolute.
  e = refusal(await f.call({ passwordFile: '../' + path.basename(f.outside) + '/shadow' }));
  assert.equal(e.code, 'helper_path_refused');
  e = refusal(await f.call({ passwordFile: shadow }));
  assert.equal(e.code, 'helper_path_refused');
  // A directory on the way swapped for a symlink.
  symlinkSync(f.outside, path.join(f.dataDir, 'linked'));
  e = refusal(await f.call({ passwordFile: 'linked/shadow' }));
  assert.equal(e.code, 'helper_path_refused');
  // A FIFO: root's read would wait for a writer for ever.
  execFileSync('mkfifo', ['-m', '600', path.join(f.dataDir, 'secrets', 'fifo')]);
  e = refusal(await f.call({ passwordFile: 'secrets/fifo' }));
  assert.equal(e.code, 'helper_path_refused');
  for (const r of [e]) assert.doesNotMatch(r.message, new RegExp(SECRET));
  assert.deepEqual(f.started, []);
  assert.equal(existsSync(path.join(f.outside, 'repo')), false);
});

test('a password file that is not DIR\'s owner\'s (a hard link to root\'s file) is refused', { skip: !asRoot && 'needs root to chown' }, async (t) => {
  const f = fixture(t);
  // DIR belongs to the mail daemon's user; "nobody" stands in for it, the planted file stays root's.
  chownSync(f.dataDir, 65534, 65534);
  chownSync(path.join(f.dataDir, 'secrets'), 65534, 65534);
  chownSync(path.join(f.dataDir, 'secrets', 'backup.password'), 65534, 65534);
  writeFileSync(path.join(f.dataDir, 'secrets', 'roots'), `${SECRET}\n`, { mode: 0o600 });
  const e = refusal(await f.call({ passwordFile: 'secrets/roots' }));
  assert.equal(e.code, 'helper_path_refused');
  assert.match(e.message, /belongs to uid 0/);
  assert.deepEqual(f.started, []);
});

test('a local repository inside DIR or given as a relative path is refused', async (t) => {
  // Where else it may be is the owner's business: restic runs as DIR's owner
  // (backup-run-as-owner.test.ts), so it can write only where that user could anyway.
  const f = fixture(t);
  const cases: [string, RegExp][] = [
    [path.join(f.dataDir, 'repo'), /inside the data directory/],
    [f.dataDir, /inside the data directory/],
    ['relative/repo', /absolute path|inside the data directory/],
  ];
  for (const [repository, why] of cases) {
    const e = refusal(await f.call({ repository }));
    assert.equal(e.code, 'invalid_repository', repository);
    assert.match(e.message, why, repository);
  }
  assert.deepEqual(f.started, []);
  assert.deepEqual(readdirSync(f.dataDir).filter((n) => n === 'repo'), []);
});

test('an SFTP host that ssh would take as an option is refused', async (t) => {
  const f = fixture(t);
  const e = refusal(await f.call({ repository: 'sftp:backup@-Fsshcfg:/srv/backup' }));
  assert.equal(e.code, 'invalid_repository');
  assert.deepEqual(f.started, []);
});

test('a clean configuration backs up with the real restic, password and credentials from the checked values', { skip: !asRoot && 'the repository checks want root-owned directories' }, async (t) => {
  const f = fixture(t);
  const r = await f.call({ env: { AWS_DEFAULT_REGION: 'eu-west-1' } }, createArgvRunner());
  assert.equal(r.ok, true, JSON.stringify(r));
  const result = (r as { result: { snapshotId: string } }).result;
  assert.match(result.snapshotId, /^[0-9a-f]{8,64}$/);
  // The helper starts only the backup child (which runs restic as DIR's owner).
  assert.deepEqual(f.started, [[process.execPath, BACKUP_CHILD_SCRIPT]]);
  assert.ok(existsSync(path.join(f.outside, 'repo', 'config')));
});
