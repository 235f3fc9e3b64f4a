// The verified-password cache inside the real directory, on a real SQLite file: a repeated login
// skips the slow hash; a wrong password, a changed password and a disabled account never ride on
// the cache. The slow check is the real scrypt verify, wrapped to count its calls.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import type { MailStore } from '../../../mail/store/contracts.js';
import { CredentialCache } from '../../../mail/auth/credential-cache.js';
import { verifyPassword, type ScryptParams } from '../../../mail/auth/password-hash.js';
import { parseConfig } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';

const FAST: ScryptParams = { ln: 10, r: 8, p: 1 };
const noMailboxes = { async createMailbox() {}, async deleteMailbox() {} } as unknown as MailStore;
const ADDRESS = 'phone@example.test';
const PASSWORD = 'Tr4cing-paper-lantern';

interface Setup {
  db: Db;
  directory: SqliteDirectory;
  /** Another directory on the same file, as the CLI (`mailroom user passwd|disable`) would be. */
  cli: SqliteDirectory;
  cache: CredentialCache;
  /** How many times scrypt verification ran. */
  slowChecks: () => number;
  advance: (ms: number) => void;
}

async function setup(t: TestContext, options: { cache?: boolean; params?: ScryptParams } = {}): Promise<Setup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mailroom-authcache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(path.join(dir, 'mailroom.db'));
  t.after(() => db.close());
  let now = 1_000_000;
  let calls = 0;
  const cache = new CredentialCache({ ttlMs: 600_000, now: () => now });
  const directory = new SqliteDirectory({
    db, mailStore: noMailboxes, logger: silentLogger, passwordParams: options.params ?? FAST,
    ...(options.cache === false ? {} : { credentialCache: cache }),
    checkPasswordHash: (password, stored) => { calls++; return verifyPassword(password, stored); },
  });
  const cli = new SqliteDirectory({ db, mailStore: noMailboxes, logger: silentLogger, passwordParams: FAST });
  await cli.addDomain('example.test');
  await cli.addUser(ADDRESS, PASSWORD);
  return { db, directory, cli, cache, slowChecks: () => calls, advance: (ms) => { now += ms; } };
}

test('the second login with the same password does not run scrypt', async (t) => {
  const s = await setup(t);
  const first = await s.directory.verifyPassword(ADDRESS, PASSWORD);
  assert.equal(first?.address, ADDRESS);
  assert.equal(s.slowChecks(), 1);
  const second = await s.directory.verifyPassword('Phone@Example.TEST', PASSWORD);
  assert.deepEqual(second, first);
  assert.equal(s.slowChecks(), 1, 'answered from the cache');
  for (let i = 0; i < 5; i++) assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 1);
});

test('without a cache (the default) every login runs scrypt', async (t) => {
  const s = await setup(t, { cache: false });
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 2);
  assert.equal(s.cache.size, 0);
});

test('a wrong password never hits and is never remembered', async (t) => {
  const s = await setup(t);
  assert.equal(await s.directory.verifyPassword(ADDRESS, 'wrong-password-1'), null);
  assert.equal(await s.directory.verifyPassword(ADDRESS, 'wrong-password-1'), null);
  assert.equal(s.slowChecks(), 2, 'each failure paid the hash');
  assert.equal(s.cache.size, 0, 'no negative cache');
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(await s.directory.verifyPassword(ADDRESS, 'wrong-password-1'), null);
  assert.equal(s.slowChecks(), 4, 'with a cached right password, a wrong one still pays the hash');
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 4, 'and the failure did not evict the right one');
  assert.equal(await s.directory.verifyPassword('nobody@example.test', PASSWORD), null);
});

test('a password change (here by another process) invalidates the entry', async (t) => {
  const s = await setup(t);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  const next = 'Mosaic-7-harbour-gulls';
  await s.cli.setPassword(ADDRESS, next);
  assert.equal(await s.directory.verifyPassword(ADDRESS, PASSWORD), null, 'the old password no longer works');
  assert.equal(s.slowChecks(), 2, 'the old password was checked against the new hash');
  assert.ok(await s.directory.verifyPassword(ADDRESS, next));
  assert.ok(await s.directory.verifyPassword(ADDRESS, next));
  assert.equal(s.slowChecks(), 3, 'the new password is cached after one slow check');
});

test('a disabled account is refused even with a cached entry, and pays the hash', async (t) => {
  const s = await setup(t);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.cache.size, 1);
  // Disabled through the other directory: this one's cache hears nothing of it.
  await s.cli.setDisabled(ADDRESS, true);
  assert.equal(await s.directory.verifyPassword(ADDRESS, PASSWORD), null);
  assert.equal(s.slowChecks(), 2, 'a disabled account costs what a wrong password costs');
  assert.equal(await s.directory.verifyPassword(ADDRESS, PASSWORD), null);
  await s.cli.setDisabled(ADDRESS, false);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 4, 'enabled again: one slow check, then cached');
});

test('disabling through the same directory drops the entry too', async (t) => {
  const s = await setup(t);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  await s.directory.setDisabled(ADDRESS, true);
  assert.equal(s.cache.size, 0);
  assert.equal(await s.directory.verifyPassword(ADDRESS, PASSWORD), null);
});

test('a removed and re-added account does not inherit the entry', async (t) => {
  const s = await setup(t);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  await s.cli.removeUser(ADDRESS);
  assert.equal(await s.directory.verifyPassword(ADDRESS, PASSWORD), null);
  await s.cli.addUser(ADDRESS, PASSWORD);
  const before = s.slowChecks();
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), before + 1, 'new account id: checked the slow way');
});

test('after the ttl the password is checked the slow way again', async (t) => {
  const s = await setup(t);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  s.advance(599_000);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 1);
  s.advance(1_000);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 2);
});

test('a login that upgrades an old hash is cached against the new hash', async (t) => {
  // The account's hash was made at ln=10; this directory wants ln=11 and rehashes at login.
  const s = await setup(t, { params: { ln: 11, r: 8, p: 1 } });
  const oldHash = (s.db.prepare('SELECT password_hash FROM users').get() as { password_hash: string }).password_hash;
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  const newHash = (s.db.prepare('SELECT password_hash FROM users').get() as { password_hash: string }).password_hash;
  assert.notEqual(newHash, oldHash);
  assert.match(newHash, /^\$scrypt\$ln=11,/);
  assert.ok(await s.directory.verifyPassword(ADDRESS, PASSWORD));
  assert.equal(s.slowChecks(), 1);
});

test('config: auth.cache defaults to 10 minutes and 10,000 accounts; ttl 0 turns it off', () => {
  const defaults = parseConfig({ hostname: 'mail.example.test' }, '/tmp/x');
  assert.deepEqual(defaults.auth.cache, { ttl: 600, maxEntries: 10_000 });
  assert.equal(parseConfig({ hostname: 'mail.example.test', auth: { cache: { ttl: 0 } } }, '/tmp/x').auth.cache.ttl, 0);
  assert.equal(parseConfig({ hostname: 'mail.example.test', auth: { cache: { ttl: '2m' } } }, '/tmp/x').auth.cache.ttl, 120);
  assert.throws(() => parseConfig({ hostname: 'mail.example.test', auth: { cache: { ttl: -1 } } }, '/tmp/x'), /auth\.cache\.ttl/);
  assert.throws(() => parseConfig({ hostname: 'mail.example.test', auth: { cache: { maxEntries: 0 } } }, '/tmp/x'), /auth\.cache\.maxEntries/);
});
