// `mailroom domain add|rm|dkim-rotate|dkim-retire` and the DKIM keys on disk: add creates both
// keys, a failed key generation undoes the add, rotation keeps the old selectors published,
// rm removes the keys.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertOneLineError, makeTempDir, runCli } from './run-cli.js';

type Rec = { type: string; name: string; value: string };

describe('mailroom domain and DKIM keys', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let data: string;
  const cli = (args: string[]) => runCli(data, args);
  const year = new Date().getUTCFullYear();
  const dkimNames = async (domain: string) => (JSON.parse((await cli(['dns', domain, '--json'])).stdout) as Rec[])
    .filter((r) => r.name.includes('._domainkey.')).map((r) => r.name.split('.')[0]);

  before(async () => {
    tmp = makeTempDir();
    data = path.join(tmp.root, 'data');
    assert.equal((await cli(['init', '--hostname', 'mx.example.com'])).code, 0);
  });
  after(() => tmp.cleanup());

  test('domain add creates an RSA and an Ed25519 key, private to the owner', async () => {
    const res = await cli(['domain', 'add', 'example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'added domain example.com\n');
    const dir = path.join(data, 'dkim', 'example.com');
    assert.deepEqual(readdirSync(dir).sort(), ['manifest.json', `mr${year}a-ed.ed25519.pem`, `mr${year}a-rsa.rsa.pem`]);
    assert.equal(statSync(path.join(dir, `mr${year}a-rsa.rsa.pem`)).mode & 0o777, 0o600);
    assert.deepEqual(await dkimNames('example.com'), [`mr${year}a-ed`, `mr${year}a-rsa`]);
  });

  test('rotate: new selectors sign, old stay published until retired', async () => {
    let res = await cli(['domain', 'dkim-rotate', 'example.com']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`now signs with mr${year}b-ed, mr${year}b-rsa`));
    assert.deepEqual(await dkimNames('example.com'), [`mr${year}b-ed`, `mr${year}b-rsa`, `mr${year}a-ed`, `mr${year}a-rsa`]);
    assertOneLineError(await cli(['domain', 'dkim-retire', 'example.com', `mr${year}b-rsa`]), 1, /still signs mail/);
    assertOneLineError(await cli(['domain', 'dkim-retire', 'example.com', 'nope']), 1, /no DKIM selector/);
    assertOneLineError(await cli(['domain', 'dkim-retire', 'unknown.example', 'x']), 1, /no such domain/);
    res = await cli(['domain', 'dkim-retire', 'example.com', `mr${year}a`]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`retired mr${year}a-rsa, mr${year}a-ed of example.com`));
    assert.deepEqual(await dkimNames('example.com'), [`mr${year}b-ed`, `mr${year}b-rsa`]);
  });

  test('a failed key generation undoes the domain add', async () => {
    // A file where the key directory should be makes the key store fail (root ignores modes).
    renameSync(path.join(data, 'dkim'), path.join(data, 'dkim.saved'));
    writeFileSync(path.join(data, 'dkim'), 'not a directory');
    const res = await cli(['domain', 'add', 'broken.example']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^mailroom: .*DKIM.*broken\.example/m);
    assert.equal((await cli(['domain', 'ls'])).stdout, 'example.com\n');
    rmSync(path.join(data, 'dkim'));
    renameSync(path.join(data, 'dkim.saved'), path.join(data, 'dkim'));
    assert.equal((await cli(['domain', 'add', 'broken.example'])).code, 0, 'works once the obstacle is gone');
    assert.ok(existsSync(path.join(data, 'dkim', 'broken.example', 'manifest.json')));
  });

  test('domain rm removes the keys', async () => {
    assert.equal((await cli(['domain', 'rm', 'broken.example'])).code, 0);
    assert.ok(!existsSync(path.join(data, 'dkim', 'broken.example')));
    assert.ok(existsSync(path.join(data, 'dkim', 'example.com')));
  });
});
