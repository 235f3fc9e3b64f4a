// DKIM key store: files and modes, rotation keeps old selectors published, retirement, removal,
// and a failed key generation leaves nothing behind.

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsDkimKeyStore, generateDkimKey } from '../../../mail/store/fs/dkim-key-store.js';
import { nextGeneration } from '../../../mail/store/fs/dkim-selector.js';

describe('FsDkimKeyStore', () => {
  let dataDir: string;
  const now = () => new Date('2026-11-22T10:00:00Z');
  beforeEach(() => { dataDir = mkdtempSync(path.join(tmpdir(), 'mailroom-dkimstore-')); });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test('create: an RSA-2048 and an Ed25519 key, 0600, and a manifest', async () => {
    const store = new FsDkimKeyStore({ dataDir, now });
    const keys = await store.create('Example.COM');
    assert.deepEqual(keys.map((k) => [k.selector, k.algorithm, k.active]), [['mr2026a-ed', 'ed25519', true], ['mr2026a-rsa', 'rsa', true]]);
    const dir = path.join(dataDir, 'dkim', 'example.com');
    assert.deepEqual(readdirSync(dir).sort(), ['manifest.json', 'mr2026a-ed.ed25519.pem', 'mr2026a-rsa.rsa.pem']);
    for (const f of readdirSync(dir)) assert.equal(statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
    assert.match(keys.find((k) => k.algorithm === 'rsa')!.txt, /^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/=]{384}$/);
    assert.match(keys.find((k) => k.algorithm === 'ed25519')!.txt, /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    const active = await store.activeKeys('example.com');
    assert.deepEqual(active.map((k) => [k.selector, k.privateKey.asymmetricKeyType, k.privateKey.asymmetricKeyDetails?.modulusLength]), [['mr2026a-rsa', 'rsa', 2048], ['mr2026a-ed', 'ed25519', undefined]]);
    await assert.rejects(store.create('example.com'), { code: 'dkim_keys_exist' });
  });

  test('rotate, retire: new selectors sign, old ones stay published until retired, names never reused', async () => {
    const store = new FsDkimKeyStore({ dataDir, now });
    await store.create('example.com');
    const after = await store.rotate('example.com');
    assert.deepEqual(after.map((k) => [k.selector, k.active]), [['mr2026b-ed', true], ['mr2026b-rsa', true], ['mr2026a-ed', false], ['mr2026a-rsa', false]]);
    assert.deepEqual((await store.activeKeys('example.com')).map((k) => k.selector), ['mr2026b-rsa', 'mr2026b-ed']);
    await assert.rejects(store.retire('example.com', 'mr2026b-rsa'), { code: 'dkim_selector_active' });
    await assert.rejects(store.retire('example.com', 'mr1999z'), { code: 'dkim_selector_unknown' });
    assert.deepEqual(await store.retire('example.com', 'mr2026a-rsa'), ['mr2026a-rsa']);
    assert.deepEqual(await store.retire('example.com', 'mr2026a'), ['mr2026a-ed']);
    assert.ok(!existsSync(path.join(dataDir, 'dkim', 'example.com', 'mr2026a-rsa.rsa.pem')));
    const again = await store.rotate('example.com');
    assert.deepEqual(again.filter((k) => k.active).map((k) => k.selector), ['mr2026c-ed', 'mr2026c-rsa']);
  });

  test('a failed key generation leaves nothing behind', async () => {
    const store = new FsDkimKeyStore({ dataDir, now, generateKey: async (a) => { if (a === 'ed25519') throw new Error('no entropy'); return generateDkimKey(a); } });
    await assert.rejects(store.create('example.com'), { code: 'dkim_keygen_failed' });
    assert.ok(!existsSync(path.join(dataDir, 'dkim', 'example.com')));
    assert.deepEqual(await store.activeKeys('example.com'), []);
  });

  test('a failed rotation keeps the old keys active and the manifest unchanged', async () => {
    const ok = new FsDkimKeyStore({ dataDir, now });
    await ok.create('example.com');
    const manifest = readFileSync(path.join(dataDir, 'dkim', 'example.com', 'manifest.json'), 'utf8');
    const failing = new FsDkimKeyStore({ dataDir, now, generateKey: async (a) => { if (a === 'ed25519') throw new Error('boom'); return generateDkimKey(a); } });
    await assert.rejects(failing.rotate('example.com'), { code: 'dkim_keygen_failed' });
    assert.equal(readFileSync(path.join(dataDir, 'dkim', 'example.com', 'manifest.json'), 'utf8'), manifest);
    assert.deepEqual(readdirSync(path.join(dataDir, 'dkim', 'example.com')).sort(), ['manifest.json', 'mr2026a-ed.ed25519.pem', 'mr2026a-rsa.rsa.pem']);
  });

  test('remove deletes every key; unknown domains are fine', async () => {
    const store = new FsDkimKeyStore({ dataDir, now });
    await store.create('example.com');
    await store.remove('example.com');
    await store.remove('never.example');
    assert.deepEqual(readdirSync(path.join(dataDir, 'dkim')), []);
    assert.deepEqual(await store.activeKeys('example.com'), []);
  });

  test('generation names: by year, then letters, skipping used ones', () => {
    const d = new Date('2027-01-01T00:00:00Z');
    assert.equal(nextGeneration(d, []), 'mr2027a');
    assert.equal(nextGeneration(d, ['mr2027a', 'mr2026a']), 'mr2027b');
    const many = Array.from({ length: 26 }, (_, i) => 'mr2027' + String.fromCharCode(97 + i));
    assert.equal(nextGeneration(d, many), 'mr2027aa');
  });
});
