import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../core/log.js';
import { BackupService } from '../../../agent/backup/backup-service.js';
import { BackupError } from '../../../agent/backup/backup-error.js';
import type { BackupRun } from '../../../ui/shared/api-types.js';

function service(run: ConstructorParameters<typeof BackupService>[0]['run'], overrides: Partial<ConstructorParameters<typeof BackupService>[0]> = {}) {
  const published: BackupRun[] = [];
  let t = 0;
  const s = new BackupService({
    enabled: false, repository: '/srv/backup', schedule: '30 2 * * *', keep: { daily: 7, weekly: 4, monthly: 6 },
    run, snapshots: async () => [], publish: (r) => published.push(r), logger: silentLogger, now: () => (t += 300), ...overrides,
  });
  return { s, published };
}

test('a run publishes its start, throttled progress and its end, and is kept in recent', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const { s, published } = service(async (_trigger, onProgress) => {
    for (let i = 1; i <= 4; i++) onProgress({ percentDone: i / 4, filesDone: i, totalFiles: 4, bytesDone: i, totalBytes: 4, secondsElapsed: i });
    await gate;
    return { snapshotId: 'abcdef01', messages: 3, dataAdded: 10 };
  });
  const run = s.begin('manual');
  assert.equal(run.state, 'running');
  assert.throws(() => s.begin('manual'), (err: unknown) => err instanceof BackupError && err.code === 'backup_running');
  assert.equal(s.status().current?.id, run.id);
  release();
  await s.settled();
  const last = published.at(-1)!;
  assert.equal(last.state, 'succeeded');
  assert.equal(last.snapshotId, 'abcdef01');
  assert.ok(published.length >= 3 && published.length <= 6, `${published.length} publishes`);
  assert.equal(s.status().current, null);
  assert.equal(s.status().recent[0]!.id, run.id);
});

test('a failed run keeps the error code and message', async () => {
  const { s } = service(async () => { throw new BackupError('wrong_password', 'wrong password for the backup repository'); });
  s.begin('scheduled');
  await s.settled();
  assert.deepEqual(s.status().recent[0]!.error, { code: 'wrong_password', message: 'wrong password for the backup repository' });
  assert.equal(s.status().recent[0]!.trigger, 'scheduled');
});

test('no repository: refused; a bad schedule: refused at start', () => {
  const { s } = service(async () => ({ snapshotId: 'x', messages: 0, dataAdded: 0 }), { repository: null });
  assert.throws(() => s.begin('manual'), (err: unknown) => err instanceof BackupError && err.code === 'invalid_backup_config');
  const { s: bad } = service(async () => ({ snapshotId: 'x', messages: 0, dataAdded: 0 }), { enabled: true, schedule: 'every day please' });
  assert.throws(() => bad.start(), (err: unknown) => err instanceof BackupError && err.code === 'invalid_backup_config');
});
