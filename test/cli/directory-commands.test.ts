// `mailroom domain|user|alias`: happy paths, then every kind of bad input, each of which must
// print one line, exit non-zero and leave the directory exactly as it was.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, makeTempDir, runCli } from './run-cli.js';

const PASSWORD = 'correct horse battery staple';

describe('mailroom domain/user/alias', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let data: string;
  const cli = (args: string[], input?: string) => runCli(data, args, input);

  /** Every row of the directory's tables, password hashes included. */
  function snapshot(): string {
    const db = new Database(path.join(data, 'mailroom.db'), { readonly: true });
    try {
      return JSON.stringify(['domains', 'users', 'aliases', 'alias_targets'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
    } finally {
      db.close();
    }
  }

  before(async () => {
    tmp = makeTempDir();
    data = path.join(tmp.root, 'data');
    const res = await cli(['init', '--hostname', 'mx.example.com']);
    assert.equal(res.code, 0, res.stderr);
  });
  after(() => tmp.cleanup());

  test('domains: add, ls', async () => {
    assert.equal((await cli(['domain', 'add', 'Example.COM'])).stdout, 'added domain example.com\n');
    assert.equal((await cli(['domain', 'add', 'example.org'])).code, 0);
    assert.equal((await cli(['domain', 'add', 'spare.example'])).code, 0);
    assert.equal((await cli(['domain', 'ls'])).stdout, 'example.com\nexample.org\nspare.example\n');
    const json = JSON.parse((await cli(['domain', 'ls', '--json'])).stdout) as { name: string }[];
    assert.deepEqual(json.map((d) => d.name), ['example.com', 'example.org', 'spare.example']);
  });

  test('users: add (with and without quota), ls, passwd, quota', async () => {
    let res = await cli(['user', 'add', 'Alice@Example.com', '--password-stdin', '--quota', '2G'], PASSWORD + '\n');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'added user alice@example.com (quota 2G)\n');
    res = await cli(['user', 'add', 'bob@example.com', '--password-stdin'], PASSWORD);
    assert.equal(res.code, 0, res.stderr);
    res = await cli(['user', 'add', 'dave@example.org', '--password-stdin'], PASSWORD + '\r\n');
    assert.equal(res.code, 0, res.stderr);
    assert.equal((await cli(['user', 'ls'])).stdout, 'alice@example.com\t2G\nbob@example.com\tunlimited\ndave@example.org\tunlimited\n');
    assert.equal((await cli(['user', 'ls', 'example.org'])).stdout, 'dave@example.org\tunlimited\n');
    const json = JSON.parse((await cli(['user', 'ls', '--json'])).stdout) as { address: string; quota: number | null }[];
    assert.deepEqual(json.map((u) => [u.address, u.quota]), [['alice@example.com', 2 * 1024 ** 3], ['bob@example.com', null], ['dave@example.org', null]]);

    const before = snapshot();
    res = await cli(['user', 'passwd', 'alice@example.com', '--password-stdin'], 'another fine passphrase\n');
    assert.equal(res.code, 0, res.stderr);
    assert.notEqual(snapshot(), before, 'the hash changed');

    assert.equal((await cli(['user', 'quota', 'alice@example.com', '500M'])).code, 0);
    assert.equal((await cli(['user', 'quota', 'bob@example.com', '60K'])).code, 0);
    assert.equal((await cli(['user', 'quota', 'dave@example.org', 'unlimited'])).code, 0);
    assert.equal((await cli(['user', 'ls', 'example.com'])).stdout, 'alice@example.com\t500M\nbob@example.com\t60K\n');
  });

  test('aliases: add (several targets, nested, catch-all), ls, rm', async () => {
    const res = await cli(['alias', 'add', 'team@example.com', 'alice@example.com,bob@example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'added alias team@example.com -> alice@example.com,bob@example.com\n');
    assert.equal((await cli(['alias', 'add', 'all@example.com', 'team@example.com, dave@example.org'])).code, 0);
    assert.equal((await cli(['alias', 'add', '@example.org', 'dave@example.org'])).code, 0);
    assert.equal((await cli(['alias', 'ls'])).stdout, '@example.org\tdave@example.org\nall@example.com\tteam@example.com,dave@example.org\nteam@example.com\talice@example.com,bob@example.com\n');
    assert.deepEqual(JSON.parse((await cli(['alias', 'ls', 'example.org', '--json'])).stdout), [{ address: '@example.org', targets: ['dave@example.org'] }]);
    assert.equal((await cli(['alias', 'rm', '@example.org'])).code, 0);
    assert.equal((await cli(['alias', 'ls', 'example.org'])).stdout, '');
  });

  const refusals: [string, string[], string | undefined, number, RegExp][] = [
    ['user in an unknown domain', ['user', 'add', 'x@nowhere.example', '--password-stdin'], PASSWORD, 1, /nowhere\.example is not one of this server's domains/],
    ['a duplicate user', ['user', 'add', 'ALICE@example.com', '--password-stdin'], PASSWORD, 1, /user alice@example\.com exists already/],
    ['a user named like an alias', ['user', 'add', 'team@example.com', '--password-stdin'], PASSWORD, 1, /is an alias/],
    ['a malformed address', ['user', 'add', 'alice at example.com', '--password-stdin'], PASSWORD, 1, /not a valid address/],
    ['a weak password', ['user', 'add', 'carol@example.com', '--password-stdin'], 'password123\n', 1, /password/],
    ['a password equal to the address', ['user', 'add', 'carol@example.com', '--password-stdin'], 'carol@example.com', 1, /account name or address/],
    ['a missing --password-stdin', ['user', 'add', 'carol@example.com'], PASSWORD, 2, /--password-stdin is required/],
    ['an empty password', ['user', 'add', 'carol@example.com', '--password-stdin'], '\n', 1, /no password on standard input/],
    ['a two-line password', ['user', 'add', 'carol@example.com', '--password-stdin'], 'first line here\nsecond line\n', 1, /one line/],
    ['a bad --quota', ['user', 'add', 'carol@example.com', '--password-stdin', '--quota', '12X'], PASSWORD, 1, /"12X" is not a size/],
    ['a bad quota size', ['user', 'quota', 'alice@example.com', 'lots'], undefined, 1, /"lots" is not a size/],
    ['the quota of an unknown user', ['user', 'quota', 'ghost@example.com', '1G'], undefined, 1, /no user ghost@example\.com/],
    ['a weak new password', ['user', 'passwd', 'alice@example.com', '--password-stdin'], 'aaaaaaaaaaaaaaa', 1, /repeated/],
    ['passwd without --password-stdin', ['user', 'passwd', 'alice@example.com'], undefined, 2, /--password-stdin is required/],
    ['removing a user an alias points at', ['user', 'rm', 'bob@example.com'], undefined, 1, /target of alias team@example\.com/],
    ['removing an unknown user', ['user', 'rm', 'ghost@example.com'], undefined, 1, /no user/],
    ['listing users of an unknown domain', ['user', 'ls', 'nowhere.example'], undefined, 1, /not one of this server's domains/],
    ['an alias to an outside address', ['alias', 'add', 'fwd@example.com', 'someone@gmail.com'], undefined, 1, /forwarding to outside addresses is not supported yet/],
    ['an alias to nobody', ['alias', 'add', 'fwd@example.com', 'ghost@example.com'], undefined, 1, /neither a user nor an alias/],
    ['an alias in an unknown domain', ['alias', 'add', 'fwd@nowhere.example', 'alice@example.com'], undefined, 1, /not one of this server's domains/],
    ['a duplicate alias', ['alias', 'add', 'team@example.com', 'alice@example.com'], undefined, 1, /exists already/],
    ['an alias named like a user', ['alias', 'add', 'alice@example.com', 'bob@example.com'], undefined, 1, /is a user/],
    ['an alias with a malformed target', ['alias', 'add', 'fwd@example.com', 'alice@example.com,,bad@'], undefined, 1, /"bad@" is not a valid target/],
    ['an alias with no targets', ['alias', 'add', 'fwd@example.com', ','], undefined, 1, /needs at least one target/],
    ['removing an alias another points at', ['alias', 'rm', 'team@example.com'], undefined, 1, /target of all@example\.com/],
    ['a malformed domain', ['domain', 'add', 'no_such_thing'], undefined, 1, /not a valid domain name/],
    ['a duplicate domain', ['domain', 'add', 'EXAMPLE.com'], undefined, 1, /exists already/],
    ['removing a domain in use', ['domain', 'rm', 'example.com'], undefined, 1, /still has 2 user\(s\) and 2 alias\(es\)/],
    ['removing an unknown domain', ['domain', 'rm', 'nowhere.example'], undefined, 1, /does not exist/],
    ['an unknown sub-command', ['user', 'delete', 'alice@example.com'], undefined, 2, /unknown sub-command "delete"/],
    ['a missing sub-command', ['alias'], undefined, 2, /missing sub-command/],
    ['a missing argument', ['domain', 'add'], undefined, 2, /missing argument/],
    ['an extra argument', ['domain', 'rm', 'a.example', 'b.example'], undefined, 2, /unexpected argument "b\.example"/],
    ['an unknown option', ['user', 'ls', '--verbose', 'yes'], undefined, 2, /unknown option --verbose/],
    ['a value for a switch', ['domain', 'ls', '--json=yes'], undefined, 2, /--json takes no value/],
    ['a flag without its value', ['user', 'add', 'carol@example.com', '--password-stdin', '--quota'], PASSWORD, 2, /--quota needs a value/],
  ];
  for (const [name, args, input, code, pattern] of refusals) {
    test(`refuses ${name}, changing nothing`, async () => {
      const before = snapshot();
      assertOneLineError(await cli(args, input), code, pattern);
      assert.equal(snapshot(), before);
    });
  }

  test('a command before init says so in one line', async () => {
    assertOneLineError(await runCli(path.join(tmp.root, 'nothing-here'), ['domain', 'ls']), 1, /cannot read.*mailroom init/);
  });

  test('removal in order: alias, user, domain', async () => {
    assert.equal((await cli(['alias', 'rm', 'all@example.com'])).code, 0);
    assert.equal((await cli(['alias', 'rm', 'team@example.com'])).code, 0);
    assert.equal((await cli(['user', 'rm', 'dave@example.org'])).stdout, 'removed user dave@example.org and its mailbox\n');
    assert.equal((await cli(['domain', 'rm', 'example.org'])).code, 0);
    assert.equal((await cli(['domain', 'rm', 'spare.example'])).code, 0);
    assert.equal((await cli(['domain', 'ls'])).stdout, 'example.com\n');
  });
});
