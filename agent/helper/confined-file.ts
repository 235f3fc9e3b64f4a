// Reading a file of the mail daemon's DIR as root, for a helper command (the backup password,
// the ACME account key of older releases). DIR and everything in it belong to the mail
// daemon's user, who could plant a symlink (to /etc/shadow, to the agent's secrets), a hard
// link, a FIFO (root's read would hang) or swap a directory between a check and the read. So:
//
// - the path must lie inside DIR (a config value could name any file);
// - every directory on the way is opened with O_NOFOLLOW from the one above (through
//   /proc/self/fd, openat by another name), so no name is resolved twice;
// - the file itself is opened O_NOFOLLOW|O_NONBLOCK and checked on the descriptor: a regular
//   file, owned by DIR's owner (a hard link to someone else's file keeps that someone as its
//   owner), not writable by group or others, not larger than the caller's limit.
//
// Errors are HelperErrors: helper_path_refused (the check failed: nothing was read),
// helper_file_missing (no such file), helper_file_unreadable (any other failure).

import { constants as C } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { HelperError } from './helper-command.js';

const at = (dir: FileHandle, name: string) => `/proc/self/fd/${dir.fd}/${name}`;

function refused(message: string): HelperError {
  return new HelperError('helper_path_refused', message);
}

/** The components of `target` (relative to DIR, or absolute) below `dataDir`; throws unless strictly inside. */
export function pathInsideDataDir(dataDir: string, target: string, what: string): string[] {
  const rel = path.relative(path.resolve(dataDir), path.resolve(dataDir, target));
  if (rel === '' || path.isAbsolute(rel) || rel.split(path.sep)[0] === '..') {
    throw refused(`${what} ${target} is not inside the data directory ${dataDir}; the helper reads only files there`);
  }
  return rel.split(path.sep);
}

async function openNoFollow(where: string, flags: number, name: string, what: string): Promise<FileHandle> {
  try {
    return await open(where, flags | C.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') throw refused(`${what}: ${name} is a symlink or not what it should be; the helper does not follow links in the data directory`);
    if (code === 'ENOENT') throw new HelperError('helper_file_missing', `${what}: ${name} does not exist`, { cause: err });
    throw new HelperError('helper_file_unreadable', `${what}: cannot open ${name} (${code ?? (err as Error).message})`, { cause: err });
  }
}

export interface ConfinedReadOptions {
  /** Names the file in errors ("backup.passwordFile"). */
  what: string;
  /** Larger files are refused (nothing this is for is large). */
  maxBytes: number;
}

/**
 * Reads DIR/target as described above. The owner the file must have is DIR's own owner, read
 * from the pinned DIR descriptor.
 */
export async function readFileInsideDataDir(dataDir: string, target: string, options: ConfinedReadOptions): Promise<Buffer> {
  const names = pathInsideDataDir(dataDir, target, options.what);
  const handles: FileHandle[] = [];
  try {
    let dir = await openNoFollow(path.resolve(dataDir), C.O_RDONLY | C.O_DIRECTORY, dataDir, options.what);
    handles.push(dir);
    const owner = await dir.stat();
    for (const name of names.slice(0, -1)) {
      dir = await openNoFollow(at(dir, name), C.O_RDONLY | C.O_DIRECTORY, name, options.what);
      handles.push(dir);
    }
    const last = names.at(-1)!;
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    const file = await openNoFollow(at(dir, last), C.O_RDONLY | C.O_NONBLOCK, last, options.what);
    handles.push(file);
    const st = await file.stat();
    if (!st.isFile()) throw refused(`${options.what}: ${target} is not a regular file`);
    if (st.uid !== owner.uid) throw refused(`${options.what}: ${target} belongs to uid ${st.uid}, not to the data directory's owner (uid ${owner.uid})`);
    if (st.mode & 0o022) throw refused(`${options.what}: ${target} is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`);
    if (st.size > options.maxBytes) throw refused(`${options.what}: ${target} is larger than ${options.maxBytes} bytes`);
    const data = await file.readFile();
    if (data.length > options.maxBytes) throw refused(`${options.what}: ${target} is larger than ${options.maxBytes} bytes`);
    return data;
  } finally {
    for (const h of handles) await h.close().catch(() => undefined);
  }
}
