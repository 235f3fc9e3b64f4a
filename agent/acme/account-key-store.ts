// The ACME account's private key, STATE/acme/account-key.pem (0600): made once, on first use, and
// kept, since the CA knows the account by it (rate limits and expiry mails belong to it). STATE
// is the agent's state directory (agent.stateDir, agent/agent-state-dir.ts), or DIR when
// that is unset and for `mailroom tls issue`, which runs as the mail daemon's user.
// ECDSA P-256, as Let's Encrypt recommends for accounts.
//
// Releases before agent.stateDir kept the key at DIR/acme/account-key.pem. When STATE has no key
// and `adoptLegacy` finds that old one (agent/acme/legacy-account-key.ts), it is adopted: written
// to STATE once, so the appliance keeps its ACME account instead of silently opening a new one.
// When the old key exists but cannot be had (the helper is down), this fails with
// acme_account_key_unavailable rather than make a new account. An existing STATE key is never
// replaced: both a new and an adopted key are put in place with link(), which never overwrites.

import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { MailroomError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';

export const ACME_DIR = 'acme';
const ACCOUNT_KEY_FILE = 'account-key.pem';

export interface AccountKeyOptions {
  /** The old key (PEM) when there is one, null when there is none; throws when it cannot be read. */
  adoptLegacy?: () => Promise<Buffer | null>;
  logger?: Logger;
}

/** Writes `pem` as `file` unless a file is there already; returns what is there afterwards. */
async function putInPlace(file: string, pem: string | Buffer): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
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

async function adopt(file: string, options: AccountKeyOptions): Promise<Buffer | null> {
  if (!options.adoptLegacy) return null;
  let legacy: Buffer | null;
  try {
    legacy = await options.adoptLegacy();
  } catch (err) {
    throw new MailroomError('acme_account_key_unavailable', `an ACME account key from an earlier release exists (DIR/${ACME_DIR}/${ACCOUNT_KEY_FILE}) but cannot be read now (${(err as Error).message}); not opening a new account. Try again when the privileged helper runs`, { cause: err });
  }
  if (legacy === null) return null;
  try {
    createPrivateKey(legacy);
  } catch (err) {
    throw new MailroomError('acme_account_key_invalid', `the ACME account key from an earlier release (DIR/${ACME_DIR}/${ACCOUNT_KEY_FILE}) cannot be used (${(err as Error).message}); move it away to start a new account`, { cause: err });
  }
  const pem = await putInPlace(file, legacy);
  (options.logger ?? silentLogger).warn('adopted the ACME account key of an earlier release', { from: `DIR/${ACME_DIR}/${ACCOUNT_KEY_FILE}`, to: file, outcome: 'adopted' });
  return pem;
}

export async function loadOrCreateAccountKey(stateDir: string, options: AccountKeyOptions = {}): Promise<Buffer> {
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
  const adopted = await adopt(file, options);
  if (adopted) return adopted;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return putInPlace(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}
