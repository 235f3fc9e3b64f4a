// The helper's side of installing a certificate (tls.install, agent/helper/commands/
// tls-install.ts): writes the pair into the mail daemon's TLS files as root, without trusting
// anything the request, or a user other than root, could have changed.
//
// - The destinations are not in the request. They are config tls.cert/tls.key, but config.json
//   belongs to the mail daemon (it is written by its user), so a path is accepted only when it
//   lies inside the helper's own DIR (from its command line, i.e. the root-owned unit file):
//   a tampered config can move the certificate around inside the mail daemon's directory, which
//   that user could do anyway, and nowhere else.
// - DIR belongs to the mail daemon, which could swap a directory under it for a symlink between
//   a check and a write. So no path below DIR is resolved twice: each directory is opened with
//   O_NOFOLLOW from the one above through /proc/self/fd (openat by another name), and every
//   later step (temp file, rename, fsync) goes through the pinned directory's descriptor. A
//   symlink at the destination itself is replaced, never followed (rename acts on the link).
// - The files get DIR's owner and group (the mail daemon's user, whose files they are) and the
//   mode the file they replace had, capped at 0644 for the chain and 0640 for the key (group:
//   the agent reads the pair for its HTTPS); a new file gets exactly those.
// - Atomic: both temp files written and fsynced, renamed back to back, then the directories fsynced.

import { randomBytes } from 'node:crypto';
import { constants as C } from 'node:fs';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CertificateInstallError, validateTlsPair } from './tls-pair.js';

const CERT_MODE_MAX = 0o644;
const KEY_MODE_MAX = 0o640;

export interface TlsInstallResult {
  cert: string;
  key: string;
  uid: number;
  gid: number;
}

function refused(message: string): CertificateInstallError {
  return new CertificateInstallError('tls_path_refused', message);
}

/** The components of `target` below `dataDir`; throws unless target is strictly inside it. */
export function componentsInside(dataDir: string, target: string): string[] {
  const rel = path.relative(path.resolve(dataDir), path.resolve(dataDir, target));
  if (rel === '' || path.isAbsolute(rel) || rel.split(path.sep)[0] === '..') {
    throw refused(`${target} is not inside the data directory ${dataDir}; the helper installs certificates only there`);
  }
  return rel.split(path.sep);
}

const at = (dir: FileHandle, name: string) => `/proc/self/fd/${dir.fd}/${name}`;

/** Opens the directory chain from `root` down `names`, never following a symlink. */
async function openDirChain(root: string, names: readonly string[]): Promise<FileHandle> {
  let dir = await open(root, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
  for (const name of names) {
    let next: FileHandle;
    try {
      next = await open(at(dir, name), C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
    } catch (err) {
      await dir.close();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') throw refused(`${name} on the way to the TLS files is not a directory (a symlink?); refusing to follow it`);
      throw err;
    }
    await dir.close();
    dir = next;
  }
  return dir;
}

interface Target { dir: FileHandle; name: string; label: string; maxMode: number; data: string }

/** The mode for the new file: the old file's (a regular file only), capped; else the cap. */
async function modeFor(t: Target): Promise<number> {
  try {
    const st = await lstat(at(t.dir, t.name));
    if (st.isDirectory()) throw refused(`${t.label} is a directory`);
    return st.isFile() ? (st.mode & 0o777 & t.maxMode) : t.maxMode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return t.maxMode;
    throw err;
  }
}

async function writeTemp(t: Target, uid: number, gid: number): Promise<string> {
  const mode = await modeFor(t);
  const tmpName = `.${t.name}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(at(t.dir, tmpName), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(t.data);
    // On the descriptor, not the name: nothing can be swapped in between.
    await handle.chown(uid, gid);
    await handle.chmod(mode);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(at(t.dir, tmpName)).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return tmpName;
}

/**
 * Validates the pair, then installs it at `files` (inside `dataDir`) as described above.
 * Errors: tls_pair_invalid, tls_path_refused, tls_install_failed; on any of them the old files
 * stay as they were and no temp file is left behind.
 */
export async function installTlsPairConfined(dataDir: string, files: { cert: string; key: string }, pem: { cert: string; key: string }): Promise<TlsInstallResult> {
  validateTlsPair(pem);
  const certParts = componentsInside(dataDir, files.cert);
  const keyParts = componentsInside(dataDir, files.key);
  const root = path.resolve(dataDir);
  const handles: FileHandle[] = [];
  const written: { t: Target; tmp: string }[] = [];
  try {
    const rootDir = await open(root, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
    handles.push(rootDir);
    const owner = await rootDir.stat();
    const keyDir = await openDirChain(root, keyParts.slice(0, -1));
    handles.push(keyDir);
    const certDir = await openDirChain(root, certParts.slice(0, -1));
    handles.push(certDir);
    const targets: Target[] = [
      { dir: keyDir, name: keyParts.at(-1)!, label: files.key, maxMode: KEY_MODE_MAX, data: pem.key },
      { dir: certDir, name: certParts.at(-1)!, label: files.cert, maxMode: CERT_MODE_MAX, data: pem.cert },
    ];
    for (const t of targets) written.push({ t, tmp: await writeTemp(t, owner.uid, owner.gid) });
    while (written.length) {
      const w = written[0]!;
      await rename(at(w.t.dir, w.tmp), at(w.t.dir, w.t.name));
      written.shift();
    }
    await keyDir.sync();
    await certDir.sync();
    return { cert: path.resolve(dataDir, files.cert), key: path.resolve(dataDir, files.key), uid: owner.uid, gid: owner.gid };
  } catch (err) {
    for (const w of written) await unlink(at(w.t.dir, w.tmp)).catch(() => undefined);
    if (err instanceof CertificateInstallError) throw err;
    throw new CertificateInstallError('tls_install_failed', `cannot write the certificate to ${files.cert} and ${files.key}: ${(err as Error).message}`, { cause: err });
  } finally {
    for (const h of handles) await h.close().catch(() => undefined);
  }
}
