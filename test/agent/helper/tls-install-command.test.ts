// The helper's tls.install through its dispatcher, on real files in a temp DIR: a good pair
// replaces the TLS files atomically with DIR's owner and the old files' modes (capped); a
// mismatched key, garbage PEM, oversize or non-text input, a path outside DIR and a symlinked
// directory are refused with their codes and leave every file as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { catalogueByName, HELPER_COMMANDS } from '../../../agent/helper/catalogue.js';
import { tlsInstallCommand } from '../../../agent/helper/commands/tls-install.js';
import type { HelperContext } from '../../../agent/helper/helper-command.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import type { HelperResponse } from '../../../agent/helper/helper-protocol.js';

interface Pair { cert: string; key: string }

function makePair(dir: string, name: string, cn: string): Pair {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

// Made once: openssl is slow on a loaded machine.
const pairsDir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-pairs-'));
const OLD = makePair(pairsDir, 'old', 'old.example.test');
const NEW = makePair(pairsDir, 'new', 'new.example.test');
rmSync(pairsDir, { recursive: true, force: true });

interface Fixture { dataDir: string; tlsDir: string; cert: string; key: string; call(args: unknown): Promise<HelperResponse> }

function fixture(t: { after: (fn: () => void) => void }, files?: { cert: string; key: string }): Fixture {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-install-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const tlsDir = path.join(dataDir, 'tls');
  mkdirSync(tlsDir);
  const cert = path.join(tlsDir, 'cert.pem');
  const key = path.join(tlsDir, 'key.pem');
  writeFileSync(cert, OLD.cert, { mode: 0o644 });
  writeFileSync(key, OLD.key, { mode: 0o640 });
  const tls = files ?? { cert, key };
  const context = (logger: typeof silentLogger): HelperContext => ({
    run: async () => { throw new Error('tls.install starts no process'); }, logger, env: {}, dataDir,
    config: () => ({ dataDir, tls }) as unknown as Config,
    shared: (_key, create) => create(),
  });
  const dispatcher = new HelperDispatcher(catalogueByName([tlsInstallCommand]), context, silentLogger);
  let id = 0;
  return { dataDir, tlsDir, cert, key, call: (args) => dispatcher.dispatch({ id: ++id, command: 'tls.install', args }) };
}

function errorCode(r: HelperResponse): string {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r)}`);
  return (r as { error: { code: string } }).error.code;
}

/** Everything under DIR/tls, names, content and mode: must not change on a refusal. */
function snapshot(f: Fixture): string {
  return readdirSync(f.tlsDir).sort().map((n) => {
    const p = path.join(f.tlsDir, n);
    const st = lstatSync(p);
    return `${n} ${(st.mode & 0o7777).toString(8)} ${st.isFile() ? readFileSync(p, 'utf8') : ''}`;
  }).join('\n');
}

test('the catalogue has tls.install', () => {
  assert.ok(HELPER_COMMANDS.some((c) => c.name === 'tls.install'));
});

test('a good pair replaces both files, owned by DIR\'s owner, with the old modes and no temp file left', async (t) => {
  const f = fixture(t);
  chmodSync(f.key, 0o600);
  // DIR belongs to the mail daemon's user on the appliance; here "nobody" stands in (the test runs as root).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(f.dataDir, 65534, 65534);
  const r = await f.call({ cert: NEW.cert, key: NEW.key });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(readFileSync(f.cert, 'utf8'), NEW.cert);
  assert.equal(readFileSync(f.key, 'utf8'), NEW.key);
  assert.equal(statSync(f.cert).mode & 0o777, 0o644);
  assert.equal(statSync(f.key).mode & 0o777, 0o600);
  if (asRoot) {
    assert.equal(statSync(f.cert).uid, 65534);
    assert.equal(statSync(f.key).gid, 65534);
  }
  assert.deepEqual(readdirSync(f.tlsDir).sort(), ['cert.pem', 'key.pem']);
});

test('modes are capped (0644 chain, 0640 key) and new files get exactly those', async (t) => {
  const f = fixture(t);
  chmodSync(f.cert, 0o666);
  chmodSync(f.key, 0o777);
  assert.equal((await f.call({ cert: NEW.cert, key: NEW.key })).ok, true);
  assert.equal(statSync(f.cert).mode & 0o777, 0o644);
  assert.equal(statSync(f.key).mode & 0o777, 0o640);
  rmSync(f.cert);
  rmSync(f.key);
  assert.equal((await f.call({ cert: OLD.cert, key: OLD.key })).ok, true);
  assert.equal(statSync(f.cert).mode & 0o777, 0o644);
  assert.equal(statSync(f.key).mode & 0o777, 0o640);
});

test('a key that does not belong to the certificate is refused and nothing changes', async (t) => {
  const f = fixture(t);
  const before = snapshot(f);
  assert.equal(errorCode(await f.call({ cert: NEW.cert, key: OLD.key })), 'tls_pair_invalid');
  assert.equal(snapshot(f), before);
});

test('garbage PEM is refused with tls_pair_invalid and nothing changes', async (t) => {
  const f = fixture(t);
  const before = snapshot(f);
  const brokenBody = NEW.cert.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
  const cases: Pair[] = [
    { cert: 'hello', key: NEW.key },
    { cert: NEW.cert, key: 'hello' },
    { cert: NEW.cert + '\nrm -rf /\n', key: NEW.key },
    { cert: NEW.cert + NEW.key, key: NEW.key },
    { cert: brokenBody, key: NEW.key },
    { cert: NEW.cert, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' },
    { cert: NEW.cert, key: NEW.cert },
  ];
  for (const c of cases) assert.equal(errorCode(await f.call(c)), 'tls_pair_invalid', JSON.stringify(c).slice(0, 80));
  assert.equal(snapshot(f), before);
});

test('oversize, non-text, missing or extra arguments are refused with bad_args before anything runs', async (t) => {
  const f = fixture(t);
  const before = snapshot(f);
  const big = NEW.cert + '\n'.repeat(70 * 1024);
  for (const args of [
    { cert: big, key: NEW.key },
    { cert: NEW.cert, key: NEW.key + ' '.repeat(17 * 1024) },
    { cert: NEW.cert.replace('A', '\u00e9'), key: NEW.key },
    { cert: NEW.cert },
    { cert: NEW.cert, key: NEW.key, path: '/etc/shadow' },
    { cert: 1, key: NEW.key },
  ]) assert.equal(errorCode(await f.call(args)), 'bad_args');
  assert.equal(snapshot(f), before);
});

test('config paths outside DIR are refused (config.json is writable by the mail daemon)', async (t) => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const f = fixture(t, { cert: path.join(outside, 'cert.pem'), key: path.join(outside, 'key.pem') });
  assert.equal(errorCode(await f.call({ cert: NEW.cert, key: NEW.key })), 'tls_path_refused');
  assert.deepEqual(readdirSync(outside), []);
  const g = fixture(t, { cert: 'tls/../../cert.pem', key: 'tls/key.pem' });
  assert.equal(errorCode(await g.call({ cert: NEW.cert, key: NEW.key })), 'tls_path_refused');
  assert.equal(readFileSync(g.key, 'utf8'), OLD.key);
});

test('a symlinked directory on the way is not followed', async (t) => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const f = fixture(t);
  rmSync(f.tlsDir, { recursive: true });
  symlinkSync(outside, f.tlsDir);
  assert.equal(errorCode(await f.call({ cert: NEW.cert, key: NEW.key })), 'tls_path_refused');
  assert.deepEqual(readdirSync(outside), []);
});

test('a symlink at the destination is replaced, its target left alone', async (t) => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const victim = path.join(outside, 'victim');
  writeFileSync(victim, 'precious\n', { mode: 0o600 });
  const f = fixture(t);
  rmSync(f.cert);
  symlinkSync(victim, f.cert);
  assert.equal((await f.call({ cert: NEW.cert, key: NEW.key })).ok, true);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(statSync(victim).mode & 0o777, 0o600);
  assert.ok(lstatSync(f.cert).isFile());
  assert.equal(readFileSync(f.cert, 'utf8'), NEW.cert);
});
