// Update bundles: a packed, signed bundle verifies and unpacks byte for byte; a changed byte, an
// edited manifest, an unknown key, a forged key id, smuggled entries and unsafe paths are all
// refused with their stable codes, and nothing is written when they are.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkManifest, parseManifest, type BundleManifest } from '../../../agent/updates/bundle-format.js';
import { readBundle } from '../../../agent/updates/bundle-reader.js';
import { parsePublicKey, signManifest } from '../../../agent/updates/bundle-signature.js';
import { entryHeader, tarPadding, TAR_END } from '../../../agent/updates/tar-archive.js';
import { UpdateError } from '../../../agent/updates/update-errors.js';
import { compareVersions } from '../../../agent/updates/version-order.js';
import { makeBundle, makeKeyPair, tamper, tempDir } from './bundle-fixture.js';

const code = (c: string) => (err: unknown) => err instanceof UpdateError && err.code === c;

test('a signed bundle verifies, and unpacks exactly the tree it was made from', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const file = await makeBundle(dir.root, '1.2.0', key.signing);
  const checked = await readBundle(file, { keys: [key.trusted] });
  assert.equal(checked.manifest.version, '1.2.0');
  assert.equal(checked.keyId, key.signing.id);
  const out = path.join(dir.root, 'out');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(out);
  await readBundle(file, { keys: [key.trusted], extractTo: out });
  assert.match(readFileSync(path.join(out, 'bin', 'mailroom.js'), 'utf8'), /mailroom 1\.2\.0/);
  assert.equal(lstatSync(path.join(out, 'bin', 'mailroom.js')).mode & 0o111, 0o111, 'executable stays executable');
  assert.equal(readlinkSync(path.join(out, 'node_modules', '.bin', 'tool')), '../tool/bin/tool.js');
  const deep = path.join(out, 'node_modules', 'a-package-with-a-rather-long-name', 'lib', 'and-a-deeply-nested-directory', 'with-more-levels');
  assert.deepEqual(readdirSync(deep), ['a-file-whose-name-pushes-the-path-past-one-hundred-bytes.js']);
  assert.equal(readFileSync(path.join(out, 'empty.txt'), 'utf8'), '');
});

test('GNU tar can list a bundle (it is a plain tar file)', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const file = await makeBundle(dir.root, '1.0.0', key.signing);
  const { execFileSync } = await import('node:child_process');
  const list = execFileSync('/usr/bin/tar', ['-tf', file], { encoding: 'utf8' }).split('\n');
  assert.equal(list[0], 'manifest.json');
  assert.equal(list[1], 'manifest.sig');
  assert.ok(list.some((l) => l.endsWith('a-file-whose-name-pushes-the-path-past-one-hundred-bytes.js')));
});

test('one changed byte in a file is refused, and nothing is written', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const file = await makeBundle(dir.root, '1.0.0', key.signing);
  const bad = tamper(file, "console.log('mailroom 1.0.0')", "console.log('mailroom 6.6.6')");
  const out = path.join(dir.root, 'out');
  (await import('node:fs')).mkdirSync(out);
  await assert.rejects(readBundle(bad, { keys: [key.trusted] }), (err: unknown) => code('bundle_file_corrupt')(err) && /bin\/mailroom\.js/.test((err as Error).message));
  await assert.rejects(readBundle(bad, { keys: [key.trusted], extractTo: out }), code('bundle_file_corrupt'));
});

test('an edited manifest fails its signature before any file is looked at', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const file = await makeBundle(dir.root, '1.0.0', key.signing);
  const bad = tamper(file, '"version": "1.0.0"', '"version": "9.0.0"');
  let accepted = false;
  await assert.rejects(readBundle(bad, { keys: [key.trusted], accept: () => { accepted = true; } }), code('bundle_signature_invalid'));
  assert.equal(accepted, false);
});

test('a bundle signed by another key is refused; so is a forged key id', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const trusted = makeKeyPair();
  const other = makeKeyPair();
  const file = await makeBundle(dir.root, '1.0.0', other.signing);
  await assert.rejects(readBundle(file, { keys: [trusted.trusted] }), (err: unknown) => code('bundle_key_unknown')(err) && (err as Error).message.includes(other.signing.id));
  await assert.rejects(readBundle(file, { keys: [] }), code('bundle_key_unknown'));
  // The other key's signature, claimed to be the trusted key's.
  const forged = tamper(file, `"keyId":"${other.signing.id}"`, `"keyId":"${trusted.signing.id}"`);
  await assert.rejects(readBundle(forged, { keys: [trusted.trusted] }), code('bundle_signature_invalid'));
});

test('trusted keys are read from PEM, raw base64 and SPKI base64', () => {
  const key = makeKeyPair();
  const pem = parsePublicKey(key.publicPem, 'pem');
  const der = Buffer.from(key.publicPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  assert.equal(parsePublicKey(der.toString('base64'), 'spki').id, pem.id);
  assert.equal(parsePublicKey(der.subarray(-32).toString('base64'), 'raw').id, pem.id);
  assert.throws(() => parsePublicKey('bm90IGEga2V5IGF0IGFsbCwgbm90IGV2ZW4gY2xvc2UgdG8gb25l', 'junk'), code('bundle_key_unknown'));
});

/** Writes a tar by hand: signed manifest, then the given entries (for hostile archives). */
function handmadeBundle(file: string, manifest: BundleManifest, key: ReturnType<typeof makeKeyPair>, entries: { name: string; type: 'file' | 'directory' | 'symlink'; data?: string; linkname?: string }[]): void {
  const mbytes = Buffer.from(JSON.stringify(manifest));
  const sig = signManifest(mbytes, key.signing);
  const parts: Uint8Array[] = [];
  const add = (name: string, type: 'file' | 'directory' | 'symlink', data: Uint8Array = new Uint8Array(0), linkname?: string) => {
    parts.push(entryHeader({ name, type, size: data.length, mode: 0o644, ...(linkname ? { linkname } : {}) }, 0), data, tarPadding(data.length));
  };
  add('manifest.json', 'file', mbytes);
  add('manifest.sig', 'file', sig);
  for (const e of entries) add(e.name, e.type, Buffer.from(e.data ?? ''), e.linkname);
  parts.push(TAR_END);
  writeFileSync(file, Buffer.concat(parts));
}

const sha = async (s: string) => (await import('node:crypto')).createHash('sha256').update(s).digest('hex');

test('hostile archives: entries outside app/, unlisted files, traversal, missing files', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const base: BundleManifest = { format: 'mailroom-bundle/1', version: '1.0.0', createdAt: new Date().toISOString(), files: [{ path: 'a.js', sha256: await sha('x'), size: 1, mode: '644' }], symlinks: [] };
  const cases: [string, BundleManifest, Parameters<typeof handmadeBundle>[3], string][] = [
    ['outside app/', base, [{ name: 'app/a.js', type: 'file', data: 'x' }, { name: 'etc/passwd', type: 'file', data: 'root' }], 'bundle_unsafe_path'],
    ['traversal', base, [{ name: 'app/a.js', type: 'file', data: 'x' }, { name: 'app/../../evil', type: 'file', data: 'e' }], 'bundle_unsafe_path'],
    ['unlisted file', base, [{ name: 'app/a.js', type: 'file', data: 'x' }, { name: 'app/extra.js', type: 'file', data: 'e' }], 'bundle_file_corrupt'],
    ['missing file', base, [], 'bundle_file_corrupt'],
    ['unlisted symlink', base, [{ name: 'app/a.js', type: 'file', data: 'x' }, { name: 'app/l', type: 'symlink', linkname: '/etc/shadow' }], 'bundle_file_corrupt'],
    ['file twice', base, [{ name: 'app/a.js', type: 'file', data: 'x' }, { name: 'app/a.js', type: 'file', data: 'x' }], 'bundle_malformed'],
  ];
  for (const [what, manifest, entries, expected] of cases) {
    const file = path.join(dir.root, `${what.replace(/\W/g, '-')}.mrb`);
    handmadeBundle(file, manifest, key, entries);
    const out = path.join(dir.root, `out-${what.replace(/\W/g, '-')}`);
    (await import('node:fs')).mkdirSync(out);
    await assert.rejects(readBundle(file, { keys: [key.trusted], extractTo: out }), code(expected), what);
    assert.ok(!readdirSync(dir.root).includes('evil'), `${what}: nothing written outside`);
  }
});

test('manifest rules: unsafe paths, escaping symlinks, files below symlinks, absurd sizes', () => {
  const m = (over: Partial<BundleManifest>): BundleManifest => ({ format: 'mailroom-bundle/1', version: '1.0.0', createdAt: '2025-01-01T00:00:00Z', files: [], symlinks: [], ...over });
  const f = (p: string, size = 1) => ({ path: p, sha256: '0'.repeat(64), size, mode: '644' as const });
  for (const p of ['../x', '/etc/passwd', 'a/../b', 'a//b', './a', 'a\\b', 'a\u0000b', '.mailroom-slot.json']) {
    assert.throws(() => checkManifest(m({ files: [f(p)] })), code('bundle_unsafe_path'), p);
  }
  assert.throws(() => checkManifest(m({ symlinks: [{ path: 'l', target: '/etc' }] })), code('bundle_unsafe_path'));
  assert.throws(() => checkManifest(m({ symlinks: [{ path: 'd/l', target: '../../x' }] })), code('bundle_unsafe_path'));
  assert.throws(() => checkManifest(m({ symlinks: [{ path: 'l', target: 'a/../../x' }] })), code('bundle_unsafe_path'));
  assert.throws(() => checkManifest(m({ symlinks: [{ path: 'l', target: 'd' }], files: [f('l/x')] })), code('bundle_unsafe_path'));
  checkManifest(m({ symlinks: [{ path: 'node_modules/.bin/t', target: '../t/bin/t.js' }], files: [f('node_modules/t/bin/t.js')] }));
  assert.throws(() => checkManifest(m({ files: Array.from({ length: 5 }, (_, i) => f(`f${i}`, 1024 * 1024 * 1024)) })), code('bundle_too_large'));
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify(m({ files: [f('a', 2 * 1024 * 1024 * 1024)] })))), code('bundle_malformed'));
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ ...m({}), version: 'latest' }))), code('bundle_malformed'));
  assert.throws(() => parseManifest(Buffer.from('{')), code('bundle_malformed'));
});

test('a file that is not a bundle is refused as malformed', async (t) => {
  const dir = tempDir(); t.after(dir.cleanup);
  const key = makeKeyPair();
  const junk = path.join(dir.root, 'junk.mrb');
  writeFileSync(junk, Buffer.alloc(4096, 7));
  await assert.rejects(readBundle(junk, { keys: [key.trusted] }), code('bundle_malformed'));
  const truncated = path.join(dir.root, 'truncated.mrb');
  const good = readFileSync(await makeBundle(dir.root, '1.0.0', key.signing));
  writeFileSync(truncated, good.subarray(0, good.length - 3000));
  await assert.rejects(readBundle(truncated, { keys: [key.trusted] }), (err: unknown) => err instanceof UpdateError);
  await assert.rejects(readBundle(path.join(dir.root, 'absent.mrb'), { keys: [key.trusted] }), code('bundle_unreadable'));
});

test('versions order like semver', () => {
  const ordered = ['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];
  for (let i = 0; i + 1 < ordered.length; i++) {
    assert.equal(compareVersions(ordered[i]!, ordered[i + 1]!), -1, `${ordered[i]} < ${ordered[i + 1]}`);
    assert.equal(compareVersions(ordered[i + 1]!, ordered[i]!), 1);
  }
  assert.equal(compareVersions('1.0.0+build.5', '1.0.0'), 0);
});
