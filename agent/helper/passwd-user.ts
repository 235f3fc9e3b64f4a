// Node has no getpwuid(3): a user's primary group and home are read from /etc/passwd (the
// appliance has no NSS users beyond files). Parsing is separate from reading so it can be tested.

import { readFileSync } from 'node:fs';
import { HelperError } from './helper-command.js';

export interface PasswdUser {
  uid: number;
  gid: number;
  name: string;
  home: string;
}

export function userFromPasswdFile(text: string, uid: number): PasswdUser | null {
  for (const line of text.split('\n')) {
    const [name, , u, g, , home] = line.split(':');
    if (name && u !== undefined && g !== undefined && /^\d+$/.test(u) && /^\d+$/.test(g) && Number(u) === uid) {
      return { uid, gid: Number(g), name, home: home ?? '/' };
    }
  }
  return null;
}

/** The passwd entry of `uid`; helper_bad_user when there is none. */
export function lookupUserById(uid: number, file = '/etc/passwd'): PasswdUser {
  const user = userFromPasswdFile(readFileSync(file, 'utf8'), uid);
  if (!user) throw new HelperError('helper_bad_user', `no user with uid ${uid} in ${file}`);
  return user;
}
