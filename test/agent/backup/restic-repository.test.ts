import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRepository } from '../../../agent/backup/restic-repository.js';
import { BackupError } from '../../../agent/backup/backup-error.js';
import { classifyResticFailure, isSnapshotRef, parseBackupStatus } from '../../../agent/backup/restic-client.js';

test('repository strings: accepted forms', () => {
  const cases: [string, string, string][] = [
    ['/srv/backup', 'local', '/srv/backup'],
    ['backup/here', 'local', '/work/backup/here'],
    ['sftp:backup@nas.example.com:/srv/restic', 'sftp', 'sftp:backup@nas.example.com:/srv/restic'],
    ['sftp://backup@nas.example.com:2222//srv/restic', 'sftp', 'sftp://backup@nas.example.com:2222//srv/restic'],
    ['s3:https://s3.example.com/bucket/mailroom', 's3', 's3:https://s3.example.com/bucket/mailroom'],
    ['s3:http://10.0.0.5:9000/bucket', 's3', 's3:http://10.0.0.5:9000/bucket'],
    ['rest:https://backup.example.com:8000/mailroom', 'rest', 'rest:https://backup.example.com:8000/mailroom'],
  ];
  for (const [input, kind, location] of cases) assert.deepEqual(parseRepository(input, '/work'), { kind, location }, input);
});

test('repository strings: refused forms, each with a clear message', () => {
  for (const input of ['', '   ', '-x', 'sftp:host', 'sftp:user@host', 's3:bucket', 's3:https://key:secret@s3.example.com/bucket', 's3:https://s3.example.com/', 'b2:bucket:path', 'rest:ftp://x/y', '/a\nb']) {
    assert.throws(() => parseRepository(input, '/work'), (err: unknown) => err instanceof BackupError && err.code === 'invalid_repository' && err.message.startsWith('invalid backup repository'), JSON.stringify(input));
  }
});

test('restic --json status lines become progress; other lines are ignored', () => {
  assert.deepEqual(parseBackupStatus('{"message_type":"status","percent_done":0.5,"total_files":10,"files_done":5,"total_bytes":100,"bytes_done":50,"seconds_elapsed":2}'),
    { percentDone: 0.5, filesDone: 5, totalFiles: 10, bytesDone: 50, totalBytes: 100, secondsElapsed: 2 });
  assert.equal(parseBackupStatus('{"message_type":"summary"}'), null);
  assert.equal(parseBackupStatus('not json'), null);
  assert.equal(parseBackupStatus('{"message_type":"status","percent_done":7}')!.percentDone, 1);
});

test('restic failures map to stable codes', () => {
  const r = (stderr: string) => classifyResticFailure({ code: 1, stdout: '', stderr }, 'snapshots').code;
  assert.equal(r('Fatal: wrong password or no key found\n'), 'wrong_password');
  assert.equal(r('Fatal: unable to open config file: stat /x/config: no such file or directory\nIs there a repository at the following location?\n/x\n'), 'repository_missing');
  assert.equal(r('unable to create lock in backend: repository is already locked by PID 1\n'), 'repository_locked');
  assert.equal(r('Fatal: invalid id "zzz": no matching ID found\n'), 'snapshot_missing');
  const other = classifyResticFailure({ code: 1, stdout: '', stderr: 'something\nFatal: disk full\n' }, 'backup');
  assert.equal(other.code, 'restic_failed');
  assert.equal(other.message, 'restic backup failed: disk full');
});

test('snapshot references', () => {
  for (const ok of ['latest', 'abcdef01', 'a'.repeat(64)]) assert.ok(isSnapshotRef(ok), ok);
  for (const bad of ['', 'abc', 'ABCDEF01', '--help', 'latest;rm', 'g0000000']) assert.ok(!isSnapshotRef(bad), bad);
});
