// The ACME account key of releases before agent.stateDir (DIR/acme/account-key.pem) is adopted
// once into STATE when STATE has none, so the appliance keeps its ACME account; an existing
// STATE key is never replaced; an old key that exists but cannot be had now stops the
// issuance instead of opening a new account. The helper's acme.legacy-account-key hands the
// old key over from a fixed path only, refusing a planted symlink or someone else's file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../../core/config.js';
import type { Logger } from '../../../core/log.js';
import { silentLogger } from '../../../core/log.js';
import { loadOrCreateAccountKey } from '../../../agent/acme/account-key-store.js';
import { legacyAccountKeySource } from '../../../agent/acme/legacy-account-key.js';
import { catalogueByName } from '../../../agent/helper/catalogue.js';
import { acmeLegacyAccountKeyCommand } from '../../../agent/helper/commands/acme-legacy-account-key.js';
import type { HelperContext } from '../../../agent/helper/helper-command.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import type { HelperResponse } from '../../../agent/helper/helper-protocol.js';

const asRoot = process.getuid?.() === 0;

function newKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** The same key, whatever its PEM encoding. */
function sameKey(a: string | Buffer, b: string | Buffer): boolean {
  const jwk = (p: string | Buffer) => JSON.stringify(createPrivateKey(p).export({ format: 'jwk' }));
  return jwk(a) === jwk(b);
}

function dirs(t: { after: (fn: () => void) => void }): { dataDir: string; stateDir: string; legacy: string; stateKey: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-acme-adopt-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data'); const stateDir = path.join(root, 'state');
  mkdirSync(path.join(dataDir, 'acme'), { recursive: true, mode: 0o700 });
  mkdirSync(stateDir);
  return { dataDir, stateDir, legacy: path.join(dataDir, 'acme', 'account-key.pem'), stateKey: path.join(stateDir, 'acme', 'account-key.pem') };
}

function recordingLogger(lines: string[]): Logger {
  const log = (msg: string) => { lines.push(msg); };
  const l: Logger = { debug: log, info: log, warn: log, error: log, child: () => l };
  return l;
}

test('an old key in DIR is adopted once into STATE, logged, and used from then on', async (t) => {
  const d = dirs(t);
  const old = newKeyPem();
  writeFileSync(d.legacy, old, { mode: 0o600 });
  const lines: string[] = [];
  const key = await loadOrCreateAccountKey(d.stateDir, { adoptLegacy: legacyAccountKeySource(d.dataDir, null), logger: recordingLogger(lines) });
  assert.ok(sameKey(key, old));
  assert.ok(sameKey(readFileSync(d.stateKey), old));
  assert.deepEqual(lines, ['adopted the ACME account key of an earlier release']);
  // The old file is left where it was (it is the mail daemon's, and `mailroom tls issue` uses it).
  assert.equal(readFileSync(d.legacy, 'utf8'), old);
  // Once adopted, STATE's key is used: a different old key no longer matters.
  writeFileSync(d.legacy, newKeyPem());
  let asked = 0;
  const again = await loadOrCreateAccountKey(d.stateDir, { adoptLegacy: async () => { asked++; return null; }, logger: recordingLogger(lines) });
  assert.ok(sameKey(again, old));
  assert.equal(asked, 0);
  assert.equal(lines.length, 1);
});

test('an existing STATE key is never replaced by the old one', async (t) => {
  const d = dirs(t);
  const mine = newKeyPem();
  mkdirSync(path.dirname(d.stateKey), { mode: 0o700 });
  writeFileSync(d.stateKey, mine, { mode: 0o600 });
  writeFileSync(d.legacy, newKeyPem(), { mode: 0o600 });
  const key = await loadOrCreateAccountKey(d.stateDir, { adoptLegacy: legacyAccountKeySource(d.dataDir, null) });
  assert.equal(key.toString(), mine);
  assert.equal(readFileSync(d.stateKey, 'utf8'), mine);
});

test('no old key: a new account key is made', async (t) => {
  const d = dirs(t);
  const key = await loadOrCreateAccountKey(d.stateDir, { adoptLegacy: legacyAccountKeySource(d.dataDir, null) });
  assert.ok(createPrivateKey(key));
  assert.ok(existsSync(d.stateKey));
});

test('an old key that exists but cannot be had now stops the issuance; no new account key is made', async (t) => {
  const d = dirs(t);
  await assert.rejects(
    loadOrCreateAccountKey(d.stateDir, { adoptLegacy: async () => { throw Object.assign(new Error('the privileged helper is not running'), { code: 'helper_unavailable' }); } }),
    (err: Error & { code?: string }) => err.code === 'acme_account_key_unavailable' && /not opening a new account/.test(err.message),
  );
  assert.equal(existsSync(d.stateKey), false);
  writeFileSync(d.legacy, 'not a key\n', { mode: 0o600 });
  await assert.rejects(loadOrCreateAccountKey(d.stateDir, { adoptLegacy: legacyAccountKeySource(d.dataDir, null) }), { code: 'acme_account_key_invalid' });
  assert.equal(existsSync(d.stateKey), false);
});

test('when the agent may not read DIR, the helper hands the old key over; when it may, no helper is asked', async (t) => {
  const d = dirs(t);
  const old = newKeyPem();
  let calls = 0;
  const helper = { call: async <T>(command: string): Promise<T> => { calls++; assert.equal(command, 'acme.legacy-account-key'); return { pem: old } as T; } };
  const denied = async (file: string): Promise<Buffer> => { throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' }); };
  const lines: string[] = [];
  const key = await loadOrCreateAccountKey(d.stateDir, { adoptLegacy: legacyAccountKeySource(d.dataDir, helper, denied), logger: recordingLogger(lines) });
  assert.equal(calls, 1);
  assert.ok(sameKey(key, old));
  assert.ok(sameKey(readFileSync(d.stateKey), old));
  assert.deepEqual(lines, ['adopted the ACME account key of an earlier release']);
  // Denied and no helper to ask: the error, not a new account.
  await assert.rejects(legacyAccountKeySource(d.dataDir, null, denied)(), { code: 'EACCES' });
  // Readable (development): read directly, the helper is not asked.
  writeFileSync(d.legacy, old, { mode: 0o600 });
  assert.ok(sameKey((await legacyAccountKeySource(d.dataDir, helper)())!, old));
  assert.equal(calls, 1);
});

function helperFixture(t: { after: (fn: () => void) => void }): { dataDir: string; legacy: string; call(): Promise<HelperResponse> } {
  const d = dirs(t);
  const context = (logger: typeof silentLogger): HelperContext => ({
    run: async () => { throw new Error('starts no process'); }, logger, env: {}, dataDir: d.dataDir,
    config: () => ({ dataDir: d.dataDir }) as unknown as Config,
    shared: (_key, create) => create(),
  });
  const dispatcher = new HelperDispatcher(catalogueByName([acmeLegacyAccountKeyCommand]), context, silentLogger);
  let id = 0;
  return { dataDir: d.dataDir, legacy: d.legacy, call: () => dispatcher.dispatch({ id: ++id, command: 'acme.legacy-account-key', args: {} }) };
}

test('acme.legacy-account-key returns the old key, or null when there is none', async (t) => {
  const h = helperFixture(t);
  assert.deepEqual(await h.call(), { id: 1, ok: true, result: { pem: null } });
  const old = newKeyPem();
  writeFileSync(h.legacy, old, { mode: 0o600 });
  const r = await h.call();
  assert.equal(r.ok, true);
  assert.ok(sameKey((r as { result: { pem: string } }).result.pem, old));
});

test('acme.legacy-account-key refuses a planted symlink, a symlinked acme directory and a file that is not a key', async (t) => {
  const h = helperFixture(t);
  const secret = path.join(path.dirname(h.dataDir), 'root-secret.pem');
  writeFileSync(secret, newKeyPem(), { mode: 0o600 });
  symlinkSync(secret, h.legacy);
  let r = await h.call();
  assert.equal(r.ok, false);
  assert.equal((r as { error: { code: string } }).error.code, 'helper_path_refused');
  rmSync(path.join(h.dataDir, 'acme'), { recursive: true });
  symlinkSync(path.dirname(h.dataDir), path.join(h.dataDir, 'acme'));
  r = await h.call();
  assert.equal((r as { error: { code: string } }).error.code, 'helper_path_refused');
  rmSync(path.join(h.dataDir, 'acme'));
  mkdirSync(path.join(h.dataDir, 'acme'));
  writeFileSync(h.legacy, 'root:$6$hash:19000:0:99999:7:::\n', { mode: 0o600 });
  r = await h.call();
  assert.equal((r as { error: { code: string; message: string } }).error.code, 'legacy_account_key_invalid');
  assert.doesNotMatch((r as { error: { message: string } }).error.message, /\$6\$/);
});

test('acme.legacy-account-key refuses a key file that is not DIR\'s owner\'s', { skip: !asRoot && 'needs root to chown' }, async (t) => {
  const h = helperFixture(t);
  chownSync(h.dataDir, 65534, 65534);
  chownSync(path.join(h.dataDir, 'acme'), 65534, 65534);
  writeFileSync(h.legacy, newKeyPem(), { mode: 0o600 }); // root's, as a hard link to root's file would be
  const r = await h.call();
  assert.equal((r as { error: { code: string } }).error.code, 'helper_path_refused');
});
