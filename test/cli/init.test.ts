// `mailroom init`: what it creates, with which modes, and what it refuses.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { assertOneLineError, makeTempDir, runCli } from './run-cli.js';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('mailroom init', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let data: string;

  before(() => {
    tmp = makeTempDir();
    data = path.join(tmp.root, 'data');
  });
  after(() => tmp.cleanup());

  test('creates config, TLS, secret and database', async () => {
    const res = await runCli(data, ['init', '--hostname', 'MX.Example.COM']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    assert.equal(mode(data), 0o750);

    const config = loadConfig(data);
    assert.equal(config.hostname, 'mx.example.com');
    assert.equal(config.listen.smtp, '127.0.0.1:2525');
    assert.equal(config.listen.admin, '127.0.0.1:8443');
    assert.equal(config.tls.cert, path.join(data, 'tls/cert.pem'));

    const cert = new X509Certificate(readFileSync(config.tls.cert));
    assert.match(cert.subject, /CN=mx\.example\.com/);
    assert.match(cert.subjectAltName ?? '', /DNS:mx\.example\.com/);
    assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(readFileSync(config.tls.key))));
    assert.equal(mode(config.tls.key), 0o600);

    const secret = path.join(data, 'secrets/secret.key');
    assert.equal(readFileSync(secret).length, 32);
    assert.equal(mode(secret), 0o600);
    assert.equal(mode(path.join(data, 'secrets')), 0o700);
    assert.equal(mode(path.join(data, 'mailroom.db')), 0o640);
  });

  test('refuses to overwrite an existing config', async () => {
    const before = readFileSync(path.join(data, 'config.json'), 'utf8');
    assertOneLineError(await runCli(data, ['init', '--hostname', 'other.example.com']), 1, /exists already.*--force/);
    assert.equal(readFileSync(path.join(data, 'config.json'), 'utf8'), before);
  });

  test('--force rewrites config and certificate, keeps the secret', async () => {
    const secret = readFileSync(path.join(data, 'secrets/secret.key'));
    const res = await runCli(data, ['init', '--hostname', 'other.example.com', '--force']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(loadConfig(data).hostname, 'other.example.com');
    assert.match(new X509Certificate(readFileSync(path.join(data, 'tls/cert.pem'))).subject, /CN=other\.example\.com/);
    assert.deepEqual(readFileSync(path.join(data, 'secrets/secret.key')), secret);
  });

  const refusals: [string, string[], number, RegExp][] = [
    ['an invalid hostname', ['init', '--hostname', 'bad_host!'], 1, /invalid --hostname "bad_host!"/],
    ['a hostname with a slash', ['init', '--hostname', 'a/CN=evil'], 1, /invalid --hostname/],
    ['a missing hostname', ['init'], 2, /--hostname is required/],
    ['an unknown option', ['init', '--hostname', 'mx.example.com', '--bogus', 'x'], 2, /unknown option --bogus/],
    ['an extra word', ['init', 'now', '--hostname', 'mx.example.com'], 2, /unexpected argument "now"/],
  ];
  test('a data directory it cannot create is one line', async () => {
    assertOneLineError(await runCli(path.join(data, 'config.json', 'sub'), ['init', '--hostname', 'mx.example.com']), 1, /cannot initialize .*ENOTDIR/);
  });

  for (const [name, args, code, pattern] of refusals) {
    test(`refuses ${name} and creates nothing`, async () => {
      const fresh = path.join(tmp.root, `fresh-${code}-${name.replace(/\W+/g, '-')}`);
      assertOneLineError(await runCli(fresh, args), code, pattern);
      assert.equal(existsSync(fresh), false);
    });
  }
});
