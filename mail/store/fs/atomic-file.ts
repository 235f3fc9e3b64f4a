// Writes a small file so that readers see either the old content or the new, never a torn one,
// and so that it survives a crash once the call resolves: write a temporary file beside it,
// fsync it, rename it over the target, fsync the directory that holds the new name.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory } from './directory-sync-barrier.js';

export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      // open() honours the umask; chmod makes the mode exact (private keys must be 0600).
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDirectory(dir);
}
