// `mailroom list add|set|ls|rm` and `list member add|ls|rm|enable` in a real data directory made
// by the real CLI: the stable --json output and the one-line forms; the archive's mailbox made
// and removed with the list; every kind of bad input prints one line, exits non-zero and leaves
// the lists exactly as they were.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, makeCliDataDir, runBuildCli } from './run-cli.js';

const PASSWORD = 'correct horse battery staple';
interface ListJson { address: string; name: string; postPolicy: string; subjectPrefix: string | null; owner: string | null; senders: string[]; sendToPoster: boolean; createdAt: string }
interface MemberJson { address: string; status: string; bounces: number; createdAt: string }

describe('mailroom list', () => {
  let tmp: Awaited<ReturnType<typeof makeCliDataDir>>;
  let data: string;
  const cli = (args: string[], input?: string) => runBuildCli(data, args, input);
  const lists = async (...args: string[]) => {
    const res = await cli(['list', 'ls', ...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as ListJson[];
  };
  const members = async (list: string) => {
    const res = await cli(['list', 'member', 'ls', list, '--json']);
    assert.equal(res.code, 0, res.stderr);
    return (JSON.parse(res.stdout) as MemberJson[]).map((m) => ({ address: m.address, status: m.status, bounces: m.bounces }));
  };

  /** Every row of the lists' tables and the folders of list mailboxes. */
  function snapshot(): string {
    const db = new Database(path.join(data, 'mailroom.db'), { readonly: true });
    try {
      const tables = ['lists', 'list_senders', 'list_members', 'list_pending', 'list_held', 'list_archive_unsubscribed'];
      const rows = tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all());
      return JSON.stringify(rows);
    } finally {
      db.close();
    }
  }

  function listFolders(list: string): string[] {
    const db = new Database(path.join(data, 'mailroom.db'), { readonly: true });
    try {
      return (db.prepare('SELECT name FROM folders WHERE user_id = ? ORDER BY name').all(`list:${list}`) as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  }

  before(async () => {
    tmp = await makeCliDataDir(runBuildCli, { hostname: 'mx.example.com', domains: ['example.com', 'spare.example'], users: ['alice@example.com'], password: PASSWORD });
    data = tmp.data;
    assert.equal((await cli(['alias', 'add', 'sales@example.com', 'alice@example.com'])).code, 0);
  });
  after(() => tmp.cleanup());

  test('add: defaults, options; the archive mailbox (INBOX and Held) is made', async () => {
    let res = await cli(['list', 'add', 'Team@Example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'added list team@example.com (members)\n');
    res = await cli(['list', 'add', 'news@spare.example', '--name', 'News', '--policy', 'moderated', '--prefix', '[news]', '--owner', 'alice@example.com', '--senders', 'boss@far.test, alice@example.com', '--no-poster']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'added list news@spare.example (moderated)\n');
    const folders = listFolders('team@example.com');
    assert.ok(folders.includes('INBOX') && folders.includes('Held'), folders.join(', '));
  });

  test('ls: --json is the stable array, sorted; a domain filter; the plain form is one line each', async () => {
    const all = await lists();
    assert.deepEqual(all.map(({ createdAt, ...rest }) => { assert.ok(!Number.isNaN(Date.parse(createdAt))); return rest; }), [
      { address: 'news@spare.example', name: 'News', postPolicy: 'moderated', subjectPrefix: '[news]', owner: 'alice@example.com', senders: ['alice@example.com', 'boss@far.test'], sendToPoster: false },
      { address: 'team@example.com', name: 'team', postPolicy: 'members', subjectPrefix: null, owner: null, senders: [], sendToPoster: true },
    ]);
    assert.deepEqual((await lists('example.com')).map((l) => l.address), ['team@example.com']);
    const plain = await cli(['list', 'ls']);
    assert.equal(plain.stdout, 'news@spare.example\tmoderated\t[news]\talice@example.com\nteam@example.com\tmembers\t-\t-\n');
  });

  test('set changes settings; "none" clears', async () => {
    let res = await cli(['list', 'set', 'team@example.com', '--policy', 'anyone', '--prefix', '[team]', '--owner', 'alice@example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'changed list team@example.com\n');
    res = await cli(['list', 'set', 'team@example.com', '--owner', 'none', '--policy', 'members']);
    assert.equal(res.code, 0, res.stderr);
    const team = (await lists()).find((l) => l.address === 'team@example.com')!;
    assert.equal(team.postPolicy, 'members');
    assert.equal(team.subjectPrefix, '[team]');
    assert.equal(team.owner, null);
  });

  test('member add, ls, rm, enable', async () => {
    for (const m of ['Bob@Far.test', 'alice@example.com', 'carol@far.test']) {
      const res = await cli(['list', 'member', 'add', 'team@example.com', m]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout, `added ${m.toLowerCase()} to team@example.com\n`);
    }
    assert.deepEqual(await members('team@example.com'), [
      { address: 'alice@example.com', status: 'active', bounces: 0 },
      { address: 'bob@far.test', status: 'active', bounces: 0 },
      { address: 'carol@far.test', status: 'active', bounces: 0 },
    ]);
    const plain = await cli(['list', 'member', 'ls', 'team@example.com']);
    assert.equal(plain.stdout, 'alice@example.com\tactive\t0\nbob@far.test\tactive\t0\ncarol@far.test\tactive\t0\n');
    let res = await cli(['list', 'member', 'rm', 'team@example.com', 'CAROL@far.test']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'removed carol@far.test from team@example.com\n');
    res = await cli(['list', 'member', 'enable', 'team@example.com', 'bob@far.test']);
    assert.equal(res.stdout, 'enabled bob@far.test on team@example.com\n');
    assert.deepEqual((await members('team@example.com')).map((m) => m.address), ['alice@example.com', 'bob@far.test']);
  });

  test('bad input: one line on stderr, non-zero exit, nothing changed', async () => {
    const before = snapshot();
    const cases: [string[], RegExp, number][] = [
      [['list', 'add', 'team@example.com'], /list team@example\.com exists already/, 1],
      [['list', 'add', 'alice@example.com'], /alice@example\.com is a user; a list cannot take it/, 1],
      [['list', 'add', 'sales@example.com'], /sales@example\.com is an alias/, 1],
      [['list', 'add', 'x@nowhere.test'], /nowhere\.test is not one of this server's domains/, 1],
      [['list', 'add', 'not-an-address'], /invalid list address/, 1],
      [['list', 'add', 'a+b@example.com'], /cannot contain "\+"/, 1],
      [['list', 'add', 'x@example.com', '--policy', 'everybody'], /--policy must be one of members, anyone, senders, moderated/, 2],
      [['list', 'add', 'x@example.com', '--owner', 'nope'], /invalid owner address/, 1],
      [['list', 'add', 'x@example.com', '--prefix', 'p'.repeat(41)], /subject prefix has at most 40 characters/, 1],
      [['list', 'add', 'x@example.com', '--poster', '--no-poster'], /--poster and --no-poster exclude each other/, 2],
      [['list', 'add'], /usage/i, 2],
      [['list', 'add', 'x@example.com', '--bogus', '1'], /bogus/, 2],
      [['list', 'set', 'team@example.com'], /nothing to change/, 2],
      [['list', 'set', 'ghost@example.com', '--name', 'G'], /no list ghost@example\.com/, 1],
      [['list', 'rm', 'ghost@example.com'], /no list ghost@example\.com/, 1],
      [['list', 'member', 'add', 'ghost@example.com', 'x@far.test'], /no list ghost@example\.com/, 1],
      [['list', 'member', 'add', 'team@example.com', 'not an address'], /invalid member address/, 1],
      [['list', 'member', 'add', 'team@example.com', 'team@example.com'], /cannot be a member of itself/, 1],
      [['list', 'member', 'add', 'team@example.com'], /usage/i, 2],
      [['list', 'member', 'rm', 'team@example.com', 'nobody@far.test'], /nobody@far\.test is not a member of team@example\.com/, 1],
      [['list', 'member', 'ls', 'ghost@example.com'], /no list ghost@example\.com/, 1],
      [['list', 'member', 'frobnicate'], /list member/, 2],
      [['list', 'frobnicate'], /list/, 2],
    ];
    for (const [args, pattern, code] of cases) {
      const res = await cli(args);
      assert.equal(res.stdout, '', `${args.join(' ')}: nothing on stdout`);
      assertOneLineError(res, code, pattern);
      assert.equal(snapshot(), before, `${args.join(' ')} changed nothing`);
    }
  });

  test('rm removes the list, its members and its archive mailbox', async () => {
    const res = await cli(['list', 'rm', 'team@example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'removed list team@example.com\n');
    assert.deepEqual((await lists()).map((l) => l.address), ['news@spare.example']);
    assert.deepEqual(listFolders('team@example.com'), []);
    assertOneLineError(await cli(['list', 'member', 'ls', 'team@example.com']), 1, /no list team@example\.com/);
    // The address is free again: a user may take it.
    assert.equal((await cli(['user', 'add', 'team@example.com', '--password-stdin'], PASSWORD + '\n')).code, 0);
  });
});
