// The directory generation (mail/store/sqlite/directory-generation.ts): the daemon keeps the
// answers of resolve(), getDomainQuota(), getForward(), getList() and activeScript(), and a change
// made through ANOTHER connection to the same file (a CLI command in another process) must be
// seen by the very next lookup. Two connections to one real database file stand for the two
// processes.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import { SqliteForwardStore } from '../../../mail/store/sqlite/forward-store.js';
import { SqliteListStore } from '../../../mail/store/sqlite/list-store.js';
import { SqliteSieveStore } from '../../../mail/store/sqlite/sieve-store.js';
import { directoryGeneration } from '../../../mail/store/sqlite/directory-generation.js';
import type { MailStore, Resolution } from '../../../mail/store/contracts.js';
import { silentLogger } from '../../../core/log.js';

const PASSWORD = 'correct horse battery staple';
const FAST = { ln: 10, r: 8, p: 1 };
const mailStore = { async createMailbox() {}, async deleteMailbox() {} } as unknown as MailStore;

function stores(db: Db) {
  return {
    directory: new SqliteDirectory({ db, mailStore, logger: silentLogger, passwordParams: FAST }),
    forwards: new SqliteForwardStore({ db, logger: silentLogger }),
    lists: new SqliteListStore({ db, logger: silentLogger }),
    sieve: new SqliteSieveStore(db),
  };
}

function mailboxes(r: Resolution): string[] | string {
  return r.kind === 'mailboxes' ? r.users.map((u) => u.address) : r.kind;
}

describe('directory generation: cached lookups follow changes made elsewhere', () => {
  let dir: string;
  let daemonDb: Db;
  let cliDb: Db;
  let daemon: ReturnType<typeof stores>;
  let cli: ReturnType<typeof stores>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mailroom-dirgen-'));
    const file = path.join(dir, 'mailroom.db');
    daemonDb = openDatabase(file);
    daemon = stores(daemonDb);
    cliDb = openDatabase(file);
    cli = stores(cliDb);
    await cli.directory.addDomain('example.com');
    await cli.directory.addUser('alice@example.com', PASSWORD);
  });

  after(() => {
    daemonDb.close();
    cliDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('users and aliases added, changed and removed by the other connection', async () => {
    assert.deepEqual(mailboxes(await daemon.directory.resolve('bob@example.com')), 'unknown');
    assert.deepEqual(mailboxes(await daemon.directory.resolve('bob@example.com')), 'unknown'); // now cached
    await cli.directory.addUser('bob@example.com', PASSWORD);
    assert.deepEqual(mailboxes(await daemon.directory.resolve('bob@example.com')), ['bob@example.com']);

    await cli.directory.addAlias('team@example.com', ['alice@example.com']);
    assert.deepEqual(mailboxes(await daemon.directory.resolve('team@example.com')), ['alice@example.com']);
    await cli.directory.removeAlias('team@example.com');
    await cli.directory.addAlias('team@example.com', ['alice@example.com', 'bob@example.com']);
    assert.deepEqual(mailboxes(await daemon.directory.resolve('team@example.com')), ['alice@example.com', 'bob@example.com']);

    await cli.directory.setQuota('bob@example.com', 1000);
    const bob = await daemon.directory.resolve('bob@example.com');
    assert.equal(bob.kind === 'mailboxes' ? bob.users[0]!.quota : null, 1000);

    await cli.directory.removeAlias('team@example.com');
    await cli.directory.removeUser('bob@example.com');
    assert.deepEqual(mailboxes(await daemon.directory.resolve('bob@example.com')), 'unknown');
    assert.deepEqual(mailboxes(await daemon.directory.resolve('x@other.example')), 'foreign');
    await cli.directory.addDomain('other.example');
    assert.deepEqual(mailboxes(await daemon.directory.resolve('x@other.example')), 'unknown');
  });

  test('domain quota, forwarder, list and active Sieve script', async () => {
    assert.equal(await daemon.directory.getDomainQuota('example.com'), null);
    await cli.directory.setDomainQuota('example.com', 5000);
    assert.equal(await daemon.directory.getDomainQuota('example.com'), 5000);

    assert.equal(await daemon.forwards.getForward('alice@example.com'), null);
    await cli.forwards.setForward('alice@example.com', ['alice@elsewhere.example'], { keepCopy: true });
    assert.deepEqual((await daemon.forwards.getForward('alice@example.com'))?.targets, ['alice@elsewhere.example']);
    await cli.forwards.removeForward('alice@example.com');
    assert.equal(await daemon.forwards.getForward('alice@example.com'), null);

    assert.equal(await daemon.lists.getList('news@example.com'), null);
    await cli.lists.createList({ address: 'news@example.com' });
    assert.equal((await daemon.lists.getList('news@example.com'))?.address, 'news@example.com');
    await cli.lists.updateList('news@example.com', { subjectPrefix: '[news]' });
    assert.equal((await daemon.lists.getList('news@example.com'))?.subjectPrefix, '[news]');
    await cli.lists.updateList('news@example.com', { senders: ['boss@elsewhere.example'] });
    assert.deepEqual((await daemon.lists.getList('news@example.com'))?.senders, ['boss@elsewhere.example']);

    const alice = (await daemon.directory.getUser('alice@example.com'))!;
    assert.equal(await daemon.sieve.activeScript(alice.id), null);
    await cli.sieve.putScript(alice.id, 'main', 'keep;');
    await cli.sieve.setActive(alice.id, 'main');
    assert.deepEqual(await daemon.sieve.activeScript(alice.id), { name: 'main', source: 'keep;' });
    await cli.sieve.putScript(alice.id, 'main', 'discard;');
    assert.deepEqual(await daemon.sieve.activeScript(alice.id), { name: 'main', source: 'discard;' });
    await cli.sieve.setActive(alice.id, null);
    assert.equal(await daemon.sieve.activeScript(alice.id), null);
  });

  test('lookups do not move the generation; every change does, atomically with itself', async () => {
    const generation = directoryGeneration(daemonDb);
    const before = generation.current();
    await daemon.directory.resolve('alice@example.com');
    await daemon.directory.getDomainQuota('example.com');
    assert.equal(generation.current(), before);
    // A change that fails half-way rolls its bump back with it.
    await assert.rejects(cli.directory.addUser('alice@example.com', PASSWORD));
    assert.equal(generation.current(), before);
    await cli.directory.addUser('carol@example.com', PASSWORD);
    assert.ok(generation.current() > before);
  });

  test('a cached answer is shared, so it cannot be changed by whoever got it', async () => {
    const r = await daemon.directory.resolve('alice@example.com');
    assert.equal(r.kind, 'mailboxes');
    assert.throws(() => { (r as { kind: string }).kind = 'unknown'; }, TypeError);
    if (r.kind === 'mailboxes') assert.throws(() => { r.users.push(r.users[0]!); }, TypeError);
    assert.equal((await daemon.directory.resolve('alice@example.com')).kind, 'mailboxes');
  });
});
