// Test fixtures for update bundles: a signing key, a small application tree, a packed bundle,
// and byte-level tampering of a packed bundle.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKey, parsePublicKey, parseSigningKey, type SigningKey, type TrustedKey } from '../../../agent/updates/bundle-signature.js';
import { packBundle } from '../../../agent/updates/bundle-writer.js';

export interface KeyPair { signing: SigningKey; trusted: TrustedKey; publicPem: string; privatePem: string }

export function makeKeyPair(): KeyPair {
  const k = generateSigningKey();
  return { signing: parseSigningKey(k.privatePem, 'test'), trusted: parsePublicKey(k.publicPem, 'test'), publicPem: k.publicPem, privatePem: k.privatePem };
}

export function tempDir(prefix = 'mailroom-updates-'): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A small application tree: a launcher, a module, a package.json, a node_modules/.bin symlink, a long path. */
export function makeAppTree(dir: string, version: string): string {
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', 'tool', 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(path.join(dir, 'bin', 'mailroom.js'), `#!/usr/bin/env node\nconsole.log('mailroom ${version}');\n`, { mode: 0o755 });
  writeFileSync(path.join(dir, 'dist', 'cli', 'main.js'), `export const version = '${version}';\n`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'mailroom', version }) + '\n');
  writeFileSync(path.join(dir, 'node_modules', 'tool', 'bin', 'tool.js'), 'console.log("tool");\n', { mode: 0o755 });
  symlinkSync('../tool/bin/tool.js', path.join(dir, 'node_modules', '.bin', 'tool'));
  const deep = path.join(dir, 'node_modules', 'a-package-with-a-rather-long-name', 'lib', 'and-a-deeply-nested-directory', 'with-more-levels');
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(deep, 'a-file-whose-name-pushes-the-path-past-one-hundred-bytes.js'), 'export default 1;\n');
  writeFileSync(path.join(dir, 'empty.txt'), '');
  return dir;
}

export async function makeBundle(root: string, version: string, key: SigningKey, name = `mailroom-${version}.mrb`): Promise<string> {
  const app = makeAppTree(path.join(root, `app-${version}-${Math.random().toString(36).slice(2)}`), version);
  const out = path.join(root, name);
  await packBundle({ appDir: app, outFile: out, version, key });
  return out;
}

/** Replaces the first occurrence of `from` by `to` (same length) in a copy of the bundle. */
export function tamper(file: string, from: string, to: string, out = `${file}.tampered.mrb`): string {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('tamper: same length only');
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(from));
  if (at < 0) throw new Error(`tamper: ${from} not found`);
  Buffer.from(to).copy(bytes, at);
  writeFileSync(out, bytes);
  return out;
}
