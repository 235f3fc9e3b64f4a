// The ACME account's private key, STATE/acme/account-key.pem (0600): made once, on first use, and
// kept, since the CA knows the account by it (rate limits and expiry mails belong to it). STATE
// is the agent's state directory (agent.stateDir, agent/agent-state-dir.ts), or DIR when
// that is unset and for `mailroom tls issue`, which runs as the mail daemon's user.
// ECDSA P-256, as Let's Encrypt recommends for accounts.

import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { MailroomError } from '../../core/errors.js';

export const ACME_DIR = 'acme';
const ACCOUNT_KEY_FILE = 'account-key.pem';

export async function loadOrCreateAccountKey(stateDir: string): Promise<Buffer> {
  const dir = path.join(stateDir, ACME_DIR);
  const file = path.join(dir, ACCOUNT_KEY_FILE);
  try {
    const pem = await readFile(file);
    createPrivateKey(pem);
    return pem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new MailroomError('acme_account_key_invalid', `the ACME account key ${file} cannot be used (${(err as Error).message}); move it away to start a new account`, { cause: err });
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link() never replaces: if another process made the key meanwhile, theirs is kept.
    await link(tmp, file).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST') throw err; });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return readFile(file);
}
