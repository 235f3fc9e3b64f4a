// First boot's files for the agent: the setup token written by provisioning/libexec/firstboot
// (used instead of a new one, its file removed once used up) and preseed-admin.json (the first
// admin created once from the hash, the file removed; unusable files set aside).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../core/log.js';
import { hashPassword } from '../../../mail/auth/password-hash.js';
import { AdminStore } from '../../../agent/admin/admin-store.js';
import { openAgentDatabase } from '../../../agent/admin/agent-database.js';
import { applyPreseededAdmin, PRESEED_ADMIN_FILE } from '../../../agent/admin/preseed-admin.js';
import { loadSetupToken, SETUP_TOKEN_FILE } from '../../../agent/admin/setup-token.js';

const FAST = { ln: 10, r: 8, p: 1 };

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-firstboot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the setup token comes from the first boot file and the file goes when the token is used up', (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, SETUP_TOKEN_FILE), 'A1B2C-3D4E5-F6A7B\n');
  const { setup, fromFile } = loadSetupToken(dir);
  assert.equal(fromFile, true);
  assert.equal(setup.token, 'A1B2C-3D4E5-F6A7B');
  assert.ok(setup.matches('A1B2C-3D4E5-F6A7B'));
  assert.equal(setup.matches('A1B2C-3D4E5-F6A7C'), false);
  setup.expire();
  assert.equal(setup.active, false);
  assert.equal(existsSync(path.join(dir, SETUP_TOKEN_FILE)), false, 'the console banner then says setup is done');

  const none = loadSetupToken(dir);
  assert.equal(none.fromFile, false, 'no file: a generated token');
  assert.ok(none.setup.token.length >= 20);
  assert.equal(loadSetupToken(null).fromFile, false);
  writeFileSync(path.join(dir, SETUP_TOKEN_FILE), '\n');
  assert.equal(loadSetupToken(dir).fromFile, false, 'an empty file is no token');
});

test('a preseeded admin is created once from its hash, and the file is removed', async (t) => {
  const dir = tempDir(t);
  const db = openAgentDatabase(path.join(dir, 'agent.db'));
  t.after(() => db.close());
  const admins = new AdminStore(db, { passwordParams: FAST });
  const hash = await hashPassword('Vq7!trellis-Oxbow-42', FAST);
  writeFileSync(path.join(dir, PRESEED_ADMIN_FILE), JSON.stringify({ name: 'admin', passwordHash: hash }) + '\n');
  assert.equal(applyPreseededAdmin({ dir, db, logger: silentLogger }), 'created');
  assert.equal(existsSync(path.join(dir, PRESEED_ADMIN_FILE)), false);
  assert.deepEqual(admins.list().map((a) => a.name), ['admin']);
  assert.ok(await admins.verifyPassword('admin', 'Vq7!trellis-Oxbow-42'), 'the preseeded password logs in');
  assert.equal(applyPreseededAdmin({ dir, db, logger: silentLogger }), 'none', 'used once');

  // Another file later, with an admin there: obsolete, removed, nothing changed.
  writeFileSync(path.join(dir, PRESEED_ADMIN_FILE), JSON.stringify({ name: 'other', passwordHash: hash }));
  assert.equal(applyPreseededAdmin({ dir, db, logger: silentLogger }), 'obsolete');
  assert.equal(existsSync(path.join(dir, PRESEED_ADMIN_FILE)), false);
  assert.deepEqual(admins.list().map((a) => a.name), ['admin']);
});

test('an unusable preseed file is set aside and creates nothing', (t) => {
  const dir = tempDir(t);
  const db = openAgentDatabase(path.join(dir, 'agent.db'));
  t.after(() => db.close());
  const admins = new AdminStore(db, { passwordParams: FAST });
  for (const content of ['{"name":"admin","passwordHash":"$6$salt$crypt"}', 'not json', '{"name":"Bad Name!","passwordHash":"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA=="}']) {
    writeFileSync(path.join(dir, PRESEED_ADMIN_FILE), content);
    assert.equal(applyPreseededAdmin({ dir, db, logger: silentLogger }), 'rejected', content);
    assert.equal(existsSync(path.join(dir, PRESEED_ADMIN_FILE)), false);
    assert.ok(existsSync(path.join(dir, `${PRESEED_ADMIN_FILE}.rejected`)));
  }
  assert.equal(admins.count(), 0);
});
