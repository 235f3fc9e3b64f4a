// Installs an issued key and certificate chain at config tls.key and tls.cert so that no reader
// ever sees a torn file and a crash leaves either the old pair or the new one: both are written
// to temporary files beside their targets and fsynced first, then renamed over the targets
// back to back, then the directories are fsynced. The pair is checked (the key belongs to the
// leaf certificate) before anything is replaced.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CertificateInstallError, validateTlsPair } from './tls-pair.js';

export { CertificateInstallError } from './tls-pair.js';

async function writeTemp(target: string, data: string, mode: number): Promise<string> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    // open() honours the umask; chmod makes the mode exact (the key must stay 0600).
    await handle.chmod(mode);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return tmp;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try { await handle.sync(); } finally { await handle.close(); }
}

export async function installCertificate(files: { cert: string; key: string }, pem: { cert: string; key: string }): Promise<void> {
  validateTlsPair(pem);
  const temps: string[] = [];
  try {
    const keyTmp = await writeTemp(files.key, pem.key, 0o600);
    temps.push(keyTmp);
    const certTmp = await writeTemp(files.cert, pem.cert, 0o644);
    temps.push(certTmp);
    await rename(keyTmp, files.key);
    await rename(certTmp, files.cert);
  } catch (err) {
    for (const t of temps) await unlink(t).catch(() => undefined);
    throw new CertificateInstallError('tls_install_failed', `cannot write the new certificate to ${files.cert} and ${files.key}: ${(err as Error).message}`, { cause: err });
  }
  for (const dir of new Set([path.dirname(files.key), path.dirname(files.cert)])) await fsyncDir(dir);
}
