// The maintenance window: a bad cron expression is refused; opening the window runs the job
// with a deadline windowLength away; it is open only while the job runs; a second tick while
// open does not start a second job.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../core/log.js';
import { MaintenanceWindow } from '../../../agent/updates/maintenance-window.js';
import { UpdateError } from '../../../agent/updates/update-errors.js';

test('the window runs its job with a deadline and is open only meanwhile', async () => {
  const now = new Date('2025-06-01T04:00:00Z');
  const deadlines: Date[] = [];
  let release!: () => void;
  const w = new MaintenanceWindow({
    cron: '0 4 * * *', lengthSeconds: 7200, logger: silentLogger, now: () => now,
    job: (deadline) => { deadlines.push(deadline); return new Promise<void>((r) => { release = r; }); },
  });
  assert.equal(w.isOpen, false);
  const first = w.open();
  assert.equal(w.isOpen, true);
  await w.open(); // a tick while open starts nothing
  release();
  await first;
  assert.equal(w.isOpen, false);
  assert.deepEqual(deadlines, [new Date('2025-06-01T06:00:00Z')]);
  w.start();
  assert.ok(w.nextStart() instanceof Date);
  await w.stop();
});

test('a job that throws closes the window; a bad expression is refused', async () => {
  const w = new MaintenanceWindow({ cron: '*/5 * * * *', lengthSeconds: 60, logger: silentLogger, job: async () => { throw new Error('boom'); } });
  await w.open();
  assert.equal(w.isOpen, false);
  assert.throws(() => new MaintenanceWindow({ cron: '99 * * * *', lengthSeconds: 60, logger: silentLogger, job: async () => undefined }), UpdateError);
});
