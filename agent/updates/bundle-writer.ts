// The release side: packs an application tree into a signed bundle (format in README.md).
// Files are hashed first, the manifest is signed, then the archive is written from the same
// files; a file that changed in between makes the pack fail rather than ship a bad bundle.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  APP_PREFIX, BUNDLE_FORMAT, MANIFEST_ENTRY, SIGNATURE_ENTRY, checkManifest,
  type BundleManifest,
} from './bundle-format.js';
import { signManifest, type SigningKey } from './bundle-signature.js';
import { TAR_END, entryHeader, tarPadding } from './tar-archive.js';
import { UpdateError } from './update-errors.js';
import { isReleaseVersion } from './version-order.js';

export interface PackOptions {
  appDir: string;
  outFile: string;
  version: string;
  key: SigningKey;
  createdAt?: Date;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file and symlink below `root`, sorted, as '/'-separated relative paths. */
async function walk(root: string): Promise<{ files: { rel: string; size: number; exec: boolean }[]; links: { rel: string; target: string }[] }> {
  const files: { rel: string; size: number; exec: boolean }[] = [];
  const links: { rel: string; target: string }[] = [];
  const visit = async (rel: string) => {
    const entries = (await readdir(path.join(root, rel), { withFileTypes: true })).map((d) => d.name).sort();
    for (const name of entries) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(path.join(root, r));
      if (st.isDirectory()) await visit(r);
      else if (st.isSymbolicLink()) links.push({ rel: r, target: await readlink(path.join(root, r)) });
      else if (st.isFile()) files.push({ rel: r, size: st.size, exec: (st.mode & 0o111) !== 0 });
      else throw new UpdateError('bundle_unsafe_path', `${r} is not a file, directory or symlink`);
    }
  };
  await visit('');
  return { files, links };
}

/** Writes `outFile` (via a temporary name, renamed when complete) and returns its manifest. */
export async function packBundle(options: PackOptions): Promise<BundleManifest> {
  if (!isReleaseVersion(options.version)) throw new UpdateError('bundle_malformed', `"${options.version}" is not a release version like 1.2.3`);
  const tree = await walk(options.appDir);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: options.version,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    files: [],
    symlinks: tree.links.map((l) => ({ path: l.rel, target: l.target })),
  };
  for (const f of tree.files) manifest.files.push({ path: f.rel, sha256: await sha256File(path.join(options.appDir, f.rel)), size: f.size, mode: f.exec ? '755' : '644' });
  checkManifest(manifest);
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 1) + '\n');
  const signature = signManifest(manifestBytes, options.key);
  const mtime = Math.floor(new Date(manifest.createdAt).getTime() / 1000);

  const tmp = `${options.outFile}.tmp-${process.pid}`;
  const out = await open(tmp, 'wx', 0o644);
  try {
    const small = async (name: string, data: Buffer) => {
      await out.write(entryHeader({ name, type: 'file', size: data.length, mode: 0o644 }, mtime));
      await out.write(data);
      await out.write(tarPadding(data.length));
    };
    await small(MANIFEST_ENTRY, manifestBytes);
    await small(SIGNATURE_ENTRY, signature);
    for (const f of manifest.files) {
      await out.write(entryHeader({ name: APP_PREFIX + f.path, type: 'file', size: f.size, mode: f.mode === '755' ? 0o755 : 0o644 }, mtime));
      let written = 0;
      for await (const chunk of createReadStream(path.join(options.appDir, f.path))) {
        written += (chunk as Buffer).length;
        if (written > f.size) break;
        await out.write(chunk as Buffer);
      }
      if (written !== f.size) throw new UpdateError('bundle_file_corrupt', `${f.path} changed while the bundle was packed`);
      await out.write(tarPadding(f.size));
    }
    for (const l of manifest.symlinks) await out.write(entryHeader({ name: APP_PREFIX + l.path, type: 'symlink', mode: 0o777, linkname: l.target }, mtime));
    await out.write(TAR_END);
    await out.sync();
    await out.close();
    await rename(tmp, options.outFile);
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  return manifest;
}
