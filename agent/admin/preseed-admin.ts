// The first admin preseeded into a VM template (provisioning/libexec/firstboot writes
// FIRSTBOOT_DIR/preseed-admin.json: {"name": "admin", "passwordHash": "$scrypt$..."}). At start,
// while no admin exists, the agent creates that admin with the hash as given (the password
// itself never reaches the machine), then removes the file: it is used once. When an admin
// exists already the file is obsolete and is removed too. A file it cannot use (bad JSON, a
// hash that is not Mailroom's scrypt PHC string, e.g. a crypt(3) hash) is renamed to
// preseed-admin.json.rejected so it is not retried at every start; the setup token stays the
// way in, and the log says why.

import { readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/log.js';
import { needsRehash } from '../../mail/auth/password-hash.js';
import type { AgentDb } from './agent-database.js';
import { normalizeAdminName } from './admin-store.js';

export const PRESEED_ADMIN_FILE = 'preseed-admin.json';

export type PreseedOutcome = 'none' | 'created' | 'obsolete' | 'rejected';

/** A hash verifyPassword can use: a well-formed `$scrypt$` PHC string with sane parameters. */
function usableHash(hash: string): boolean {
  // needsRehash answers true for anything it cannot parse; against the lowest accepted
  // parameters every parseable hash is "strong enough", so false means "parses".
  return !needsRehash(hash, { ln: 10, r: 1, p: 1 });
}

export function applyPreseededAdmin(options: { dir: string; db: AgentDb; logger: Logger }): PreseedOutcome {
  const file = path.join(options.dir, PRESEED_ADMIN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    options.logger.error('the preseeded admin file cannot be read', { file, err, outcome: 'error' });
    return 'rejected';
  }
  const reject = (why: string): PreseedOutcome => {
    options.logger.error(`the preseeded admin was not created: ${why}; use the setup token instead`, { file, outcome: 'rejected' });
    try { renameSync(file, `${file}.rejected`); } catch (err) { options.logger.warn('could not set the preseeded admin file aside', { file, err }); }
    return 'rejected';
  };
  let input: { name?: unknown; passwordHash?: unknown };
  try {
    input = JSON.parse(text) as typeof input;
  } catch {
    return reject('the file is not JSON');
  }
  if (typeof input?.passwordHash !== 'string' || !usableHash(input.passwordHash)) return reject('passwordHash is not a Mailroom password hash ($scrypt$ln=..,r=..,p=..$salt$hash)');
  let name: string;
  try {
    name = normalizeAdminName(typeof input.name === 'string' ? input.name : 'admin');
  } catch (err) {
    return reject((err as Error).message);
  }
  const hash = input.passwordHash;
  // Only while there is no admin, atomically (a `mailroom admin add` may race with the start).
  const created = options.db.transaction(() => {
    const { n } = options.db.prepare('SELECT count(*) AS n FROM admins').get() as { n: number };
    if (n > 0) return false;
    options.db.prepare('INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?)').run(name, hash, Date.now());
    return true;
  }).immediate();
  // Removed either way: it holds a password hash, and it has done its job (or was overtaken).
  rmSync(file, { force: true });
  if (created) options.logger.info('created the preseeded admin', { admin: name, outcome: 'created' });
  else options.logger.info('an admin exists already: the preseeded admin file was removed unused', { outcome: 'obsolete' });
  return created ? 'created' : 'obsolete';
}
