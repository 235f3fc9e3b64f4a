// `mailroom forward set|ls|rm` in a real data directory made by the real CLI: forwarders with
// and without a kept copy, replacing one, the stable --json output; every kind of bad input
// prints one line, exits non-zero and leaves the forwarders exactly as they were; removing a
// user or a domain takes its forwarders with it.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, makeCliDataDir, runBuildCli } from './run-cli.js';

const PASSWORD = 'correct horse battery staple';
interface ForwardJson { address: string; targets: string[]; keepCopy: boolean }

describe('mailroom forward', () => {
  let tmp: Awaited<ReturnType<typeof makeCliDataDir>>;
  let data: string;
  const cli = (args: string[], input?: string) => runBuildCli(data, args, input);
  const ls = async (...args: string[]) => {
    const res = await cli(['forward', 'ls', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as ForwardJson[];
  };

  /** Every row of the forwarders' tables. */
  function snapshot(): string {
    const db = new Database(path.join(data, 'mailroom.db'), { readonly: true });
    try {
      return JSON.stringify(['forwards', 'forward_targets'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
    } finally {
      db.close();
    }
  }

  before(async () => {
    tmp = await makeCliDataDir(runBuildCli, { hostname: 'mx.example.com', domains: ['example.com', 'spare.example'], users: ['alice@example.com', 'bob@example.com', 'carol@spare.example'], password: PASSWORD });
    data = tmp.data;
    assert.equal((await cli(['alias', 'add', 'team@example.com', 'alice@example.com,bob@example.com'])).code, 0);
  });
  after(() => tmp.cleanup());

  test('set: a user keeps a copy by default, an address without a mailbox does not; --no-keep, --keep', async () => {
    let res = await cli(['forward', 'set', 'Alice@Example.com', 'a@far.test, B@Far.test,a@far.test']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'forwarding alice@example.com -> a@far.test,b@far.test (keeping a copy)\n');
    res = await cli(['forward', 'set', 'only@example.com', 'o@far.test']);
    assert.equal(res.stdout, 'forwarding only@example.com -> o@far.test (no local copy)\n');
    res = await cli(['forward', 'set', 'bob@example.com', 'b@far.test', '--no-keep']);
    assert.equal(res.stdout, 'forwarding bob@example.com -> b@far.test (no local copy)\n');
    res = await cli(['forward', 'set', 'team@example.com', 't@far.test', '--keep']);
    assert.equal(res.stdout, 'forwarding team@example.com -> t@far.test (keeping a copy)\n');
    res = await cli(['forward', 'set', 'carol@spare.example', 'c@far.test']);
    assert.equal(res.code, 0, res.stderr);
  });

  test('ls: --json is the stable array, sorted; a domain filter; the plain form is one line each', async () => {
    assert.deepEqual(await ls(), [
      { address: 'alice@example.com', targets: ['a@far.test', 'b@far.test'], keepCopy: true },
      { address: 'bob@example.com', targets: ['b@far.test'], keepCopy: false },
      { address: 'carol@spare.example', targets: ['c@far.test'], keepCopy: true },
      { address: 'only@example.com', targets: ['o@far.test'], keepCopy: false },
      { address: 'team@example.com', targets: ['t@far.test'], keepCopy: true },
    ]);
    assert.deepEqual((await ls('spare.example')).map((f) => f.address), ['carol@spare.example']);
    const plain = await cli(['forward', 'ls', 'example.com']);
    assert.equal(plain.stdout, [
      'alice@example.com\ta@far.test,b@far.test\tkeep',
      'bob@example.com\tb@far.test\tno-keep',
      'only@example.com\to@far.test\tno-keep',
      'team@example.com\tt@far.test\tkeep',
      '',
    ].join('\n'));
  });

  test('set again replaces the targets and the choice; rm removes one', async () => {
    let res = await cli(['forward', 'set', 'alice@example.com', 'z@far.test', '--no-keep']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual((await ls()).find((f) => f.address === 'alice@example.com'), { address: 'alice@example.com', targets: ['z@far.test'], keepCopy: false });
    res = await cli(['forward', 'rm', 'ONLY@example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'removed forwarder only@example.com\n');
    assert.equal((await ls()).some((f) => f.address === 'only@example.com'), false);
  });

  test('bad input: one line on stderr, non-zero exit, nothing changed', async () => {
    const before = snapshot();
    const cases: [string[], RegExp, number][] = [
      [['forward', 'set', 'alice@example.com', 'bob@example.com'], /bob@example\.com is in one of this server's domains; use an alias/, 1],
      [['forward', 'set', 'alice@example.com', 'x@far.test,team@example.com'], /team@example\.com is in one of this server's domains/, 1],
      [['forward', 'set', 'not-an-address', 'x@far.test'], /"not-an-address" is not a valid address/, 1],
      [['forward', 'set', 'alice@example.com', 'x@far.test,nope'], /"nope" is not a valid target address/, 1],
      [['forward', 'set', 'alice@example.com', ' , '], /needs at least one target/, 1],
      [['forward', 'set', 'x@nowhere.test', 'x@far.test'], /nowhere\.test is not one of this server's domains/, 1],
      [['forward', 'set', '@example.com', 'x@far.test'], /a catch-all \(@example\.com\) cannot forward/, 1],
      [['forward', 'set', 'alice@example.com', 'alice@example.com'], /in one of this server's domains|cannot forward to itself/, 1],
      [['forward', 'set', 'ghost@example.com', 'x@far.test', '--keep'], /no mailbox to keep a copy in/, 1],
      [['forward', 'set', 'alice@example.com', 'x@far.test', '--keep', '--no-keep'], /--keep and --no-keep exclude each other/, 2],
      [['forward', 'set', 'alice@example.com'], /usage/i, 2],
      [['forward', 'rm', 'ghost@example.com'], /no forwarder ghost@example\.com/, 1],
      [['forward', 'rm', 'not an address'], /not a valid address/, 1],
      [['forward', 'ls', 'nowhere.test'], /nowhere\.test is not one of this server's domains/, 1],
    ];
    for (const [args, pattern, code] of cases) {
      const res = await cli(args);
      assert.equal(res.stdout, '', `${args.join(' ')}: nothing on stdout`);
      assertOneLineError(res, code, pattern);
      assert.equal(snapshot(), before, `${args.join(' ')} changed nothing`);
    }
  });

  test('removing a user takes its forwarder; removing a domain takes all of the domain\'s', async () => {
    assert.equal((await cli(['forward', 'set', 'pure@spare.example', 'p@far.test'])).code, 0);
    assert.equal((await cli(['alias', 'rm', 'team@example.com'])).code, 0);
    let res = await cli(['user', 'rm', 'bob@example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual((await ls()).map((f) => f.address), ['alice@example.com', 'carol@spare.example', 'pure@spare.example', 'team@example.com']);
    // A user of the same name made again starts without the old forward.
    res = await cli(['user', 'add', 'bob@example.com', '--password-stdin'], PASSWORD + '\n');
    assert.equal(res.code, 0, res.stderr);
    assert.equal((await ls()).some((f) => f.address === 'bob@example.com'), false);

    res = await cli(['user', 'rm', 'carol@spare.example']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual((await ls('spare.example')).map((f) => f.address), ['pure@spare.example']);
    res = await cli(['domain', 'rm', 'spare.example']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual((await ls()).map((f) => f.address), ['alice@example.com', 'team@example.com']);
    const db = new Database(path.join(data, 'mailroom.db'), { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT DISTINCT address FROM forward_targets ORDER BY address').all(), [{ address: 'alice@example.com' }, { address: 'team@example.com' }]);
    } finally {
      db.close();
    }
  });
});
