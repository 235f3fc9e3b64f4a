// Node has no getgrnam(3): the group database is read from /etc/group (the appliance has no
// NSS groups beyond files). Parsing is separate from reading so it can be tested.

import { readFileSync } from 'node:fs';
import { HelperError } from './helper-command.js';

export function gidFromGroupFile(text: string, name: string): number | null {
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return null;
}

export function lookupGroupId(name: string, file = '/etc/group'): number {
  const gid = gidFromGroupFile(readFileSync(file, 'utf8'), name);
  if (gid === null) throw new HelperError('helper_bad_group', `helper.group: no group named ${name} in ${file}`);
  return gid;
}
