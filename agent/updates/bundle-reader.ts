// Reads an update bundle and proves it before anything of it is used: the signature over the
// manifest first (nothing else is looked at before that passes), then the manifest's rules
// (safe paths, sizes, symlinks inside the tree), then every entry of the archive against the
// manifest, each file's size and SHA-256 checked as it streams past. With `extractTo` the
// files are written there as they are checked; the caller must throw that directory away when
// this throws (DirectorySlots does: it extracts into a staging directory).

import { createHash } from 'node:crypto';
import { mkdir, open, symlink } from 'node:fs/promises';
import path from 'node:path';
import {
  APP_PREFIX, LIMITS, MANIFEST_ENTRY, SIGNATURE_ENTRY, checkTreePath, parseManifest,
  type BundleManifest,
} from './bundle-format.js';
import { verifyManifestSignature, type TrustedKey } from './bundle-signature.js';
import { TarReader, type TarEntry } from './tar-archive.js';
import { UpdateError } from './update-errors.js';

export interface ReadBundleOptions {
  keys: readonly TrustedKey[];
  /** Write the tree here (an empty directory) while checking it. */
  extractTo?: string;
  /** Called with the verified manifest before any file is read; throw to refuse (a downgrade, say). */
  accept?: (manifest: BundleManifest) => void;
}

export interface VerifiedBundle {
  manifest: BundleManifest;
  keyId: string;
}

export async function readBundle(file: string, options: ReadBundleOptions): Promise<VerifiedBundle> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw new UpdateError('bundle_unreadable', `cannot open the bundle ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new UpdateError('bundle_unreadable', `${file} is not a regular file`);
    if (stat.size > LIMITS.totalBytes + LIMITS.manifestBytes + 64 * 1024 * 1024) throw new UpdateError('bundle_too_large', `${file} is ${stat.size} bytes, more than a bundle may be`);
    const tar = new TarReader(fh, stat.size);

    const first = await tar.next();
    const second = first ? await tar.next() : null;
    if (!first || first.type !== 'file' || first.name !== MANIFEST_ENTRY || !second || second.type !== 'file' || second.name !== SIGNATURE_ENTRY) {
      throw new UpdateError('bundle_malformed', `not a Mailroom bundle: it must start with ${MANIFEST_ENTRY} and ${SIGNATURE_ENTRY}`);
    }
    const manifestBytes = await tar.readSmall(first, LIMITS.manifestBytes);
    const signatureBytes = await tar.readSmall(second, LIMITS.signatureBytes);
    const key = verifyManifestSignature(manifestBytes, signatureBytes, options.keys);
    const manifest = parseManifest(manifestBytes);
    options.accept?.(manifest);

    await checkEntries(tar, manifest, options.extractTo ?? null);
    return { manifest, keyId: key.id };
  } finally {
    await fh.close();
  }
}

async function checkEntries(tar: TarReader, manifest: BundleManifest, extractTo: string | null): Promise<void> {
  const files = new Map(manifest.files.map((f) => [f.path, f]));
  const links = new Map(manifest.symlinks.map((l) => [l.path, l]));
  const seen = new Set<string>();
  let entries = 0;
  for (let entry = await tar.next(); entry; entry = await tar.next()) {
    if (++entries > LIMITS.entries * 2) throw new UpdateError('bundle_too_large', `the bundle has more than ${LIMITS.entries * 2} archive entries`);
    const rel = treePath(entry);
    if (entry.type === 'directory') {
      if (rel === '') continue;
      if (files.has(rel) || links.has(rel)) throw new UpdateError('bundle_malformed', `${rel} is a directory in the archive but not in the manifest`);
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) {
        if (links.has(parts.slice(0, i).join('/'))) throw new UpdateError('bundle_unsafe_path', `directory ${rel} lies below a symlink`);
      }
      if (extractTo) await mkdir(path.join(extractTo, rel), { recursive: true, mode: 0o755 });
      continue;
    }
    if (entry.type === 'hardlink' || entry.type === 'special') throw new UpdateError('bundle_unsafe_path', `${entry.name} is a ${entry.type === 'hardlink' ? 'hard link' : 'device or FIFO'}; a bundle holds only files, directories and symlinks`);
    if (seen.has(rel)) throw new UpdateError('bundle_malformed', `${rel} appears twice in the archive`);
    seen.add(rel);
    if (entry.type === 'symlink') {
      const link = links.get(rel);
      if (!link || link.target !== entry.linkname) throw new UpdateError('bundle_file_corrupt', `symlink ${rel} is not the one the manifest lists`);
      continue; // made after every file, so nothing is ever written through a link
    }
    const expected = files.get(rel);
    if (!expected) throw new UpdateError('bundle_file_corrupt', `${rel} is in the archive but not in the signed manifest`);
    if (expected.size !== entry.size) throw new UpdateError('bundle_file_corrupt', `${rel} is ${entry.size} bytes, the manifest says ${expected.size}`);
    const hash = createHash('sha256');
    if (extractTo) {
      const target = path.join(extractTo, rel);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      // 'wx': a name that exists already (twice in the archive, or a race) is an error, never followed.
      const out = await open(target, 'wx', expected.mode === '755' ? 0o755 : 0o644);
      try {
        await tar.pipe(entry, async (chunk) => { hash.update(chunk); await out.write(chunk); });
        await out.sync();
      } finally {
        await out.close();
      }
    } else {
      await tar.pipe(entry, (chunk) => { hash.update(chunk); });
    }
    const digest = hash.digest('hex');
    if (digest !== expected.sha256) throw new UpdateError('bundle_file_corrupt', `${rel} does not match its signed hash (the bundle was changed or damaged)`);
  }
  const missing = [...files.keys(), ...links.keys()].filter((p) => !seen.has(p));
  if (missing.length > 0) throw new UpdateError('bundle_file_corrupt', `the bundle lacks ${missing.length} file(s) of its manifest, e.g. ${missing[0]}`);
  if (extractTo) {
    for (const l of manifest.symlinks) {
      const at = path.join(extractTo, l.path);
      await mkdir(path.dirname(at), { recursive: true, mode: 0o755 });
      await symlink(l.target, at);
    }
  }
}

/** The entry's path inside the tree ('' for app/ itself); anything outside app/ is refused. */
function treePath(entry: TarEntry): string {
  let name = entry.name;
  if (entry.type === 'directory' && name.endsWith('/')) name = name.slice(0, -1);
  if (name === 'app') return '';
  if (!name.startsWith(APP_PREFIX)) throw new UpdateError('bundle_unsafe_path', `${entry.name} lies outside app/ in the archive`);
  const rel = name.slice(APP_PREFIX.length);
  checkTreePath(rel);
  return rel;
}
