// SqliteDirectory against a real database file: the resolve table (users, aliases, nesting,
// loops, catch-all, sub-addressing, unknown, foreign) and the refusals, which must change nothing.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import type { MailStore, Resolution } from '../../../mail/store/contracts.js';
import { MailroomError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/log.js';

const PASSWORD = 'correct horse battery staple';
// Cheap hashing: these tests are about the directory, not scrypt's cost.
const FAST = { ln: 10, r: 8, p: 1 };

/** Records mailbox calls; can be told to fail the next createMailbox. */
function fakeMailStore() {
  const state = { created: [] as string[], deleted: [] as string[], failNextCreate: false };
  const store = {
    async createMailbox(id: string) {
      if (state.failNextCreate) { state.failNextCreate = false; throw new Error('disk full'); }
      state.created.push(id);
    },
    async deleteMailbox(id: string) { state.deleted.push(id); },
  } as unknown as MailStore;
  return { store, state };
}

function snapshot(db: Db): string {
  const tables = ['domains', 'users', 'aliases', 'alias_targets'];
  return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
}

function mailboxes(r: Resolution): string[] | string {
  return r.kind === 'mailboxes' ? r.users.map((u) => u.address) : r.kind;
}

async function rejectsWith(promise: Promise<unknown>, type: typeof MailroomError, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.equal((err as MailroomError).code, code);
    return true;
  });
}

describe('SqliteDirectory', () => {
  let dir: string;
  let db: Db;
  let directory: SqliteDirectory;
  let fake: ReturnType<typeof fakeMailStore>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mailroom-directory-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    fake = fakeMailStore();
    directory = new SqliteDirectory({ db, mailStore: fake.store, logger: silentLogger, passwordParams: FAST });
    await directory.addDomain('Example.COM');
    await directory.addDomain('example.org');
    await directory.addDomain('empty.example');
    for (const u of ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.org']) await directory.addUser(u, PASSWORD);
    await directory.addAlias('team@example.com', ['alice@example.com', 'bob@example.com']);
    await directory.addAlias('all@example.com', ['team@example.com', 'carol@example.com', 'alice@example.com']);
    await directory.addAlias('Sales@Example.com', ['all@example.com', 'dave@example.org']);
    await directory.addAlias('tagged@example.com', ['bob+lists@example.com']);
    await directory.addAlias('@example.org', ['dave@example.org']);
    // A loop cannot be made through the API (targets must exist, self-targets are refused), so
    // write one behind its back to prove resolve() still terminates.
    db.prepare('INSERT INTO aliases (address, domain, created_at) VALUES (?, ?, 0), (?, ?, 0)').run('loop1@example.com', 'example.com', 'loop2@example.com', 'example.com');
    db.prepare('INSERT INTO alias_targets (alias, position, target) VALUES (?, 0, ?), (?, 0, ?), (?, 1, ?)')
      .run('loop1@example.com', 'loop2@example.com', 'loop2@example.com', 'loop1@example.com', 'loop2@example.com', 'carol@example.com');
    // And a chain deeper than the cap.
    db.prepare('INSERT INTO aliases (address, domain, created_at) VALUES (?, ?, 0)').run('deep0@example.com', 'example.com');
    for (let i = 0; i < 12; i++) {
      if (i > 0) db.prepare('INSERT INTO aliases (address, domain, created_at) VALUES (?, ?, 0)').run(`deep${i}@example.com`, 'example.com');
      db.prepare('INSERT INTO alias_targets (alias, position, target) VALUES (?, 0, ?)').run(`deep${i}@example.com`, i === 11 ? 'alice@example.com' : `deep${i + 1}@example.com`);
    }
  });

  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const table: [string, string[] | string][] = [
    ['alice@example.com', ['alice@example.com']],
    ['ALICE@EXAMPLE.COM', ['alice@example.com']],
    ['team@example.com', ['alice@example.com', 'bob@example.com']],
    ['all@example.com', ['alice@example.com', 'bob@example.com', 'carol@example.com']],
    ['sales@example.com', ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.org']],
    ['tagged@example.com', ['bob@example.com']],
    ['bob+news@example.com', ['bob@example.com']],
    ['team+x@example.com', ['alice@example.com', 'bob@example.com']],
    ['loop1@example.com', ['carol@example.com']],
    ['deep0@example.com', 'unknown'],
    ['deep5@example.com', ['alice@example.com']],
    ['nobody@example.com', 'unknown'],
    ['nobody+tag@example.com', 'unknown'],
    ['anyone@example.org', ['dave@example.org']],
    ['dave@example.org', ['dave@example.org']],
    ['x@empty.example', 'unknown'],
    ['alice@example.net', 'foreign'],
    ['alice@sub.example.com', 'foreign'],
  ];
  for (const [address, expected] of table) {
    test(`resolve ${address}`, async () => {
      assert.deepEqual(mailboxes(await directory.resolve(address)), expected);
    });
  }

  test('resolve refuses a malformed address', async () => {
    await rejectsWith(directory.resolve('not an address'), MailroomError, 'invalid_address');
  });

  test('users and aliases are listed normalised', async () => {
    assert.deepEqual((await directory.listDomains()).map((d) => d.name), ['empty.example', 'example.com', 'example.org']);
    assert.deepEqual((await directory.listUsers('EXAMPLE.org')).map((u) => u.address), ['dave@example.org']);
    const sales = (await directory.listAliases('example.com')).find((a) => a.address === 'sales@example.com');
    assert.deepEqual(sales?.targets, ['all@example.com', 'dave@example.org']);
    assert.equal(fake.state.created.length, 4);
  });

  test('verifyPassword: right, wrong, unknown', async () => {
    assert.equal((await directory.verifyPassword('Alice@example.com', PASSWORD))?.address, 'alice@example.com');
    assert.equal(await directory.verifyPassword('alice@example.com', PASSWORD + 'x'), null);
    assert.equal(await directory.verifyPassword('ghost@example.com', PASSWORD), null);
    assert.equal(await directory.verifyPassword('garbage', PASSWORD), null);
  });

  test('a login upgrades a hash made with cheaper parameters', async () => {
    const stronger = new SqliteDirectory({ db, mailStore: fake.store, logger: silentLogger, passwordParams: { ...FAST, ln: 11 } });
    const hashOf = () => (db.prepare('SELECT password_hash FROM users WHERE address = ?').get('carol@example.com') as { password_hash: string }).password_hash;
    assert.match(hashOf(), /^\$scrypt\$ln=10,/);
    assert.equal(await stronger.verifyPassword('carol@example.com', 'wrong password here'), null);
    assert.match(hashOf(), /^\$scrypt\$ln=10,/, 'a wrong password changes nothing');
    assert.ok(await stronger.verifyPassword('carol@example.com', PASSWORD));
    assert.match(hashOf(), /^\$scrypt\$ln=11,/);
    assert.ok(await directory.verifyPassword('carol@example.com', PASSWORD));
  });

  const refusals: [string, () => Promise<unknown>, string][] = [
    ['duplicate domain', () => directory.addDomain('EXAMPLE.com'), 'domain_exists'],
    ['malformed domain', () => directory.addDomain('not_a_domain'), 'invalid_domain'],
    ['user in unknown domain', () => directory.addUser('x@nowhere.example', PASSWORD), 'unknown_domain'],
    ['duplicate user', () => directory.addUser('Alice@Example.com', PASSWORD), 'user_exists'],
    ['user named like an alias', () => directory.addUser('team@example.com', PASSWORD), 'alias_exists'],
    ['malformed user address', () => directory.addUser('alice@@example.com', PASSWORD), 'invalid_address'],
    ['user with +', () => directory.addUser('a+b@example.com', PASSWORD), 'invalid_address'],
    ['weak password', () => directory.addUser('eve@example.com', 'password123'), 'weak_password'],
    ['negative quota', () => directory.addUser('eve@example.com', PASSWORD, { quota: -1 }), 'invalid_quota'],
    ['alias in unknown domain', () => directory.addAlias('x@nowhere.example', ['alice@example.com']), 'unknown_domain'],
    ['duplicate alias', () => directory.addAlias('TEAM@example.com', ['carol@example.com']), 'alias_exists'],
    ['alias named like a user', () => directory.addAlias('alice@example.com', ['bob@example.com']), 'user_exists'],
    ['alias to an outside address', () => directory.addAlias('fwd@example.com', ['someone@gmail.com']), 'external_target'],
    ['alias to nobody', () => directory.addAlias('fwd@example.com', ['ghost@example.com']), 'unknown_target'],
    ['alias without targets', () => directory.addAlias('fwd@example.com', []), 'invalid_target'],
    ['alias to itself', () => directory.addAlias('fwd@example.com', ['fwd@example.com']), 'alias_loop'],
    ['alias to a catch-all', () => directory.addAlias('fwd@example.com', ['@example.org']), 'invalid_target'],
    ['one bad target among good', () => directory.addAlias('fwd@example.com', ['alice@example.com', 'x@gmail.com']), 'external_target'],
    ['duplicate catch-all', () => directory.addAlias('@EXAMPLE.org', ['dave@example.org']), 'alias_exists'],
    ['remove domain in use', () => directory.removeDomain('example.com'), 'domain_in_use'],
    ['remove unknown domain', () => directory.removeDomain('nowhere.example'), 'unknown_domain'],
    ['remove unknown user', () => directory.removeUser('ghost@example.com'), 'unknown_user'],
    ['remove user an alias points at', () => directory.removeUser('bob@example.com'), 'user_in_use'],
    ['remove alias another points at', () => directory.removeAlias('team@example.com'), 'alias_in_use'],
    ['remove unknown alias', () => directory.removeAlias('ghost@example.com'), 'unknown_alias'],
    ['weak new password', () => directory.setPassword('alice@example.com', 'aaaaaaaaaaaa'), 'weak_password'],
    ['password of unknown user', () => directory.setPassword('ghost@example.com', PASSWORD), 'unknown_user'],
    ['quota of unknown user', () => directory.setQuota('ghost@example.com', 100), 'unknown_user'],
    ['fractional quota', () => directory.setQuota('alice@example.com', 1.5), 'invalid_quota'],
    ['list users of unknown domain', () => directory.listUsers('nowhere.example'), 'unknown_domain'],
  ];
  for (const [name, run, code] of refusals) {
    test(`refuses ${name} (${code}) and changes nothing`, async () => {
      const before = snapshot(db);
      await rejectsWith(run(), MailroomError, code);
      assert.equal(snapshot(db), before);
    });
  }

  test('a failed createMailbox leaves no account behind', async () => {
    const before = snapshot(db);
    fake.state.failNextCreate = true;
    await assert.rejects(directory.addUser('eve@example.com', PASSWORD), /disk full/);
    assert.equal(snapshot(db), before);
  });

  test('add, change and remove a user; remove an empty domain', async () => {
    const eve = await directory.addUser('Eve@Empty.Example', PASSWORD, { quota: 1024 });
    assert.equal(eve.address, 'eve@empty.example');
    assert.ok(fake.state.created.includes(eve.id));
    await directory.setQuota('eve@empty.example', null);
    assert.equal((await directory.getUserById(eve.id))?.quota, null);
    await directory.setPassword('eve@empty.example', 'a different long passphrase');
    assert.equal(await directory.verifyPassword('eve@empty.example', PASSWORD), null);
    assert.ok(await directory.verifyPassword('eve@empty.example', 'a different long passphrase'));
    await directory.addAlias('@empty.example', ['eve@empty.example']);
    assert.deepEqual(mailboxes(await directory.resolve('whoever@empty.example')), ['eve@empty.example']);
    await directory.removeAlias('@empty.example');
    assert.equal((await directory.removeUser('eve@empty.example')).id, eve.id);
    assert.ok(fake.state.deleted.includes(eve.id));
    assert.equal(await directory.getUser('eve@empty.example'), null);
    await directory.removeDomain('empty.example');
    assert.equal(await directory.isLocalDomain('empty.example'), false);
  });
});
