// Which restic repositories Mailroom accepts, checked before restic ever sees the string:
//   - a local directory:           /srv/backup/mailroom   (relative paths are made absolute)
//   - SFTP:                        sftp:user@host:/path   or sftp://user@host:port//path
//   - S3-compatible object store:  s3:https://host/bucket[/prefix]  (s3:http:// for a LAN store)
//   - restic's REST server:        rest:https://host:port/path
// Credentials never go in the string: S3 keys travel in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
// (config backup.env), SFTP authenticates with the ssh key of the user restic runs as.
// Pure: no file system, no network.

import path from 'node:path';
import { BackupError } from './backup-error.js';

export type RepositoryKind = 'local' | 'sftp' | 's3' | 'rest';

export interface Repository {
  kind: RepositoryKind;
  /** The string handed to restic's --repo. */
  location: string;
}

const SFTP_SHORT = /^sftp:[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\/?[^\s]+$/;
const SFTP_URL = /^sftp:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?\/[^\s]+$/;

function httpUrlWithPath(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && !u.search && !u.hash && u.pathname.length > 1;
  } catch {
    return false;
  }
}

/** Validates a repository string; `cwd` resolves a relative local path. */
export function parseRepository(value: string, cwd: string): Repository {
  const v = value.trim();
  const bad = (why: string) => new BackupError('invalid_repository', `invalid backup repository "${value}": ${why}`);
  if (!v) throw bad('it is empty');
  if (/[\0\r\n]/.test(v)) throw bad('it contains a control character');
  if (v.startsWith('-')) throw bad('it must not start with "-"');
  if (v.startsWith('sftp:')) {
    if (SFTP_SHORT.test(v) || SFTP_URL.test(v)) return { kind: 'sftp', location: v };
    throw bad('write SFTP repositories as sftp:user@host:/path');
  }
  if (v.startsWith('s3:')) {
    if (httpUrlWithPath(v.slice(3))) return { kind: 's3', location: v };
    throw bad('write S3 repositories as s3:https://host/bucket[/prefix] (credentials go in backup.env, not the URL)');
  }
  if (v.startsWith('rest:')) {
    if (httpUrlWithPath(v.slice(5))) return { kind: 'rest', location: v };
    throw bad('write REST repositories as rest:https://host:port/path');
  }
  // Anything else that looks like a backend ("b2:", "azure:", "rclone:") is not supported here.
  if (/^[a-z0-9]+:/.test(v) && !v.startsWith('/')) throw bad('use a local directory, sftp:user@host:/path, s3:https://host/bucket or rest:https://host/path');
  return { kind: 'local', location: path.resolve(cwd, v) };
}
