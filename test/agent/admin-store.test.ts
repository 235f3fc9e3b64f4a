// Admin accounts in a real agent.db in a temp directory.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAgentDatabase, type AgentDb } from '../../agent/admin/agent-database.js';
import { AdminStore } from '../../agent/admin/admin-store.js';
import { totpCode } from '../../agent/admin/totp.js';

const PASSWORD = 'Vq7!trellis-Oxbow-42';
const FAST = { ln: 10, r: 8, p: 1 };

describe('AdminStore', () => {
  let dir: string;
  let db: AgentDb;
  let admins: AdminStore;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-admins-'));
    db = openAgentDatabase(path.join(dir, 'agent.db'));
    admins = new AdminStore(db, { passwordParams: FAST });
  });
  after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

  test('agent.db is private', () => {
    assert.equal(statSync(path.join(dir, 'agent.db')).mode & 0o777, 0o600);
  });

  test('addFirst creates the first admin only; add refuses duplicates, bad names and weak passwords', async () => {
    assert.equal(admins.count(), 0);
    const [a, b] = await Promise.allSettled([admins.addFirst('Root', PASSWORD), admins.addFirst('other', PASSWORD)]);
    assert.equal([a, b].filter((r) => r.status === 'fulfilled').length, 1, 'exactly one racer wins');
    assert.match(String((([a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error & { code: string }).code), /^setup_done$/);
    assert.equal(admins.count(), 1);
    const first = admins.list()[0]!.name;
    await assert.rejects(admins.add(first, PASSWORD), { code: 'admin_exists' });
    await assert.rejects(admins.add('bad name', PASSWORD), { code: 'invalid_admin_name' });
    await assert.rejects(admins.add('carol', 'short'), { code: 'weak_password' });
    await assert.rejects(admins.add('carol', 'carol12345'), { code: 'weak_password' });
    await admins.add('carol', PASSWORD);
    assert.deepEqual(admins.list().map((x) => x.name).sort(), [first, 'carol'].sort());
  });

  test('verifyPassword: right, wrong, unknown, malformed name', async () => {
    assert.equal((await admins.verifyPassword('CAROL', PASSWORD))?.name, 'carol');
    assert.equal(await admins.verifyPassword('carol', PASSWORD + 'x'), null);
    assert.equal(await admins.verifyPassword('nobody', PASSWORD), null);
    assert.equal(await admins.verifyPassword('not a name!', PASSWORD), null);
  });

  test('setPassword, remove', async () => {
    await admins.setPassword('carol', 'another fine passphrase');
    assert.ok(await admins.verifyPassword('carol', 'another fine passphrase'));
    assert.equal(admins.remove('carol').name, 'carol');
    assert.throws(() => admins.remove('carol'), { code: 'unknown_admin' });
    await assert.rejects(admins.setPassword('carol', PASSWORD), { code: 'unknown_admin' });
  });

  test('TOTP: enable, check (used once), disable', async () => {
    await admins.add('dave', PASSWORD);
    const secret = admins.enableTotp('dave');
    assert.equal(admins.get('dave')?.totp, true);
    const now = Date.now();
    const code = totpCode(secret, now);
    assert.equal(admins.checkTotp('dave', '000000', now) && code !== '000000', false);
    assert.equal(admins.checkTotp('dave', code, now), true);
    assert.equal(admins.checkTotp('dave', code, now), false, 'the same code twice');
    admins.disableTotp('dave');
    assert.equal(admins.get('dave')?.totp, false);
    assert.equal(admins.checkTotp('dave', totpCode(secret, now + 30_000), now + 30_000), false);
    assert.throws(() => admins.enableTotp('nobody'), { code: 'unknown_admin' });
  });

  test('the schema survives reopening', () => {
    db.close();
    db = openAgentDatabase(path.join(dir, 'agent.db'));
    admins = new AdminStore(db, { passwordParams: FAST });
    assert.ok(admins.get('dave'));
  });
});
