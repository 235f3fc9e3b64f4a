// A small state file of the helper (the firewall's pending revert, firewall-pending.nft) that
// root writes and, at its next start, loads into nft. Its directory is derived from config
// helper.socket, and config.json belongs to the mail daemon's user; on a development set-up it
// is DIR/run, which that user may own. So the directory is used only when it is root's and
// writable by nobody else, and it is pinned: opened once with O_NOFOLLOW, checked on the
// descriptor, and every name below it resolved through that descriptor (/proc/self/fd), so a
// directory swapped for a symlink after the check changes nothing. The file is written to an
// O_EXCL temp name (never through a planted link) and renamed; it is read with O_NOFOLLOW and
// accepted only when the descriptor shows root's regular file, not writable by others.
// Errors: HelperError firewall_state_unsafe (nothing was written or read).

import { closeSync, constants as C, fstatSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { HelperError } from '../helper/helper-command.js';

const ownUid = () => process.getuid?.() ?? 0;

function unsafe(message: string): HelperError {
  return new HelperError('firewall_state_unsafe', message);
}

/** Opens and checks the file's directory; the caller closes the descriptor. */
function pinDirectory(file: string): number {
  const dir = path.dirname(file);
  let fd: number;
  try {
    fd = openSync(dir, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
  } catch (err) {
    throw new HelperError('firewall_state_unsafe', `the helper's state directory ${dir} cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; a symlink is refused)`, { cause: err });
  }
  const st = fstatSync(fd);
  if (st.uid !== ownUid() || (st.mode & 0o022)) {
    closeSync(fd);
    throw unsafe(`the helper's state directory ${dir} must belong to root and be writable by nobody else (it is uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}); set helper.socket to a directory of the helper's own, e.g. /run/mailroom-helper/helper.sock`);
  }
  return fd;
}

const at = (dirFd: number, name: string) => `/proc/self/fd/${dirFd}/${name}`;

export function writeRootOnlyFile(file: string, text: string): void {
  const dirFd = pinDirectory(file);
  const name = path.basename(file);
  const tmp = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(at(dirFd, tmp), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(at(dirFd, tmp), at(dirFd, name));
    fsyncSync(dirFd);
  } catch (err) {
    rmSync(at(dirFd, tmp), { force: true });
    throw err;
  } finally {
    closeSync(dirFd);
  }
}

/** The file's text; null when there is none. Throws firewall_state_unsafe for one root did not write. */
export function readRootOnlyFile(file: string): string | null {
  let dirFd: number;
  try {
    dirFd = pinDirectory(file);
  } catch (err) {
    if ((err as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return null; // no directory, no file
    throw err;
  }
  try {
    let fd: number;
    try {
      fd = openSync(at(dirFd, path.basename(file)), C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw unsafe(`${file} cannot be opened (${code ?? (err as Error).message}; a symlink is refused)`);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.uid !== ownUid() || (st.mode & 0o022)) throw unsafe(`${file} is not a file the helper wrote (uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)})`);
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } finally {
    closeSync(dirFd);
  }
}

/** Removes the file (a link planted there is removed, never followed); fine when absent. */
export function removeRootOnlyFile(file: string): void {
  let dirFd: number;
  try {
    dirFd = pinDirectory(file);
  } catch {
    return; // a directory the helper cannot use holds nothing the helper wrote
  }
  try {
    rmSync(at(dirFd, path.basename(file)), { force: true });
  } finally {
    closeSync(dirFd);
  }
}
