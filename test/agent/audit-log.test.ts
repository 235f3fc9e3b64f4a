// The audit log's file: JSON lines appended, read back newest first, a torn line skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../agent/admin/audit-log.js';

test('record appends JSON lines; recent reads them back newest first', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-audit-'));
  try {
    const file = path.join(dir, 'audit.log');
    const log = new AuditLog(file);
    assert.deepEqual(log.recent(), []);
    log.record({ actor: 'root', ip: '192.0.2.1', action: 'user.add', target: 'a@example.com', outcome: 'ok' });
    log.record({ actor: 'root', ip: '192.0.2.1', action: 'user.remove', target: 'b@example.com', outcome: 'refused', code: 'unknown_user' });
    appendFileSync(file, '{"torn":\n');
    log.record({ actor: 'cli:root', ip: null, action: 'admin.add', target: 'ops', outcome: 'ok' });
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 4);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const recent = log.recent(10);
    assert.deepEqual(recent.map((e) => e.action), ['admin.add', 'user.remove', 'user.add'], 'the malformed line is skipped');
    assert.deepEqual(recent[0], { ...recent[0], actor: 'cli:root', ip: null, target: 'ops', outcome: 'ok' });
    assert.ok(recent.every((e) => typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time))));
    assert.equal(log.recent(1).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
