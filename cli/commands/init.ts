// `mailroom init --hostname HOST [--force]`: creates a data directory that `serve` can start
// from: config.json with the development defaults, a self-signed certificate, a random secret
// and the database. Everything is validated before anything is written; config.json is written
// last, so a failed init leaves nothing that blocks running it again.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkShape, exitForUsage, UsageError, valueFlag } from '../command-input.js';
import { openServices } from '../services.js';
import { DATABASE_FILE } from '../../mail/store/sqlite/database.js';
import type { Command } from './index.js';
import { DEV_LISTEN, parseConfig, type Config, type ConfigInput } from '../../core/config.js';
import { ConfigError, ConflictError, InputError, MailroomError } from '../../core/errors.js';

const run = promisify(execFile);

export const SECRET_FILE = 'secrets/secret.key';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

function validateConfig(raw: ConfigInput, dataDir: string, typed: string): Config {
  try {
    return parseConfig(raw, dataDir);
  } catch (err) {
    // One line, about the one thing the admin typed.
    if (err instanceof ConfigError) throw new InputError('invalid_hostname', `invalid --hostname "${typed}": ${err.issues.map((i) => i.replace(/^hostname: /, '')).join('; ')}`);
    throw err;
  }
}

async function mkdirMode(dir: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  await chmod(dir, mode); // mkdir's mode is masked by the umask
}

/** Writes a file so that readers see the old content or the new, never half of one. */
async function writeAtomically(file: string, data: string | Buffer, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode, flag: 'wx' });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

/**
 * A self-signed certificate for HOST, localhost and 127.0.0.1, made by openssl with an argv
 * array (no shell). Generated in a private directory so the key is never readable by others.
 */
async function createSelfSignedCertificate(hostname: string, cert: string, key: string): Promise<void> {
  await mkdirMode(path.dirname(cert), 0o750);
  await mkdirMode(path.dirname(key), 0o750);
  const work = await mkdtemp(path.join(path.dirname(key), '.init-'));
  try {
    const names = [...new Set([`DNS:${hostname}`, 'DNS:localhost', 'IP:127.0.0.1'])];
    const tmpKey = path.join(work, 'key.pem');
    const tmpCert = path.join(work, 'cert.pem');
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-days', '825',
        '-subj', `/CN=${hostname}`, '-addext', `subjectAltName=${names.join(',')}`, '-keyout', tmpKey, '-out', tmpCert], { timeout: 60_000 });
    } catch (err) {
      const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').pop();
      throw new MailroomError('openssl_failed', `could not create the TLS certificate with openssl: ${detail}`, { cause: err });
    }
    await chmod(tmpKey, 0o600);
    await chmod(tmpCert, 0o644);
    await rename(tmpKey, key);
    await rename(tmpCert, cert);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** 32 random bytes; later components derive their own keys from it (SRS, cookies) with HKDF. */
async function createSecret(dataDir: string): Promise<boolean> {
  const file = path.join(dataDir, SECRET_FILE);
  await mkdirMode(path.dirname(file), 0o700);
  // Never replaced, --force included: a new secret would break every SRS address and session.
  if (await exists(file)) return false;
  await writeAtomically(file, randomBytes(32), 0o600);
  return true;
}

/**
 * The database holds password hashes: create it private before SQLite does (SQLite gives its
 * -wal and -shm files the database file's mode), then let every component apply its schema.
 */
async function createDatabase(config: Config): Promise<void> {
  const file = path.join(config.dataDir, DATABASE_FILE);
  await writeFile(file, '', { flag: 'a', mode: 0o640 });
  await chmod(file, 0o640);
  const services = await openServices(config);
  await services.close();
}

export const initCommand: Command = async (args) => {
  try {
    checkShape(args, args.positional, { usage: 'init --hostname HOST [--force]', positional: [0, 0], switches: ['force'], values: ['hostname'] });
  } catch (err) {
    return exitForUsage(err);
  }
  const hostname = valueFlag(args, 'hostname');
  if (hostname === undefined) return exitForUsage(new UsageError('--hostname is required (usage: mailroom init --hostname HOST [--force])'));

  const dataDir = path.resolve(args.dataDir);
  const raw: ConfigInput = { hostname: hostname.toLowerCase(), listen: { ...DEV_LISTEN } };
  const config = validateConfig(raw, dataDir, hostname);
  const configFile = path.join(dataDir, 'config.json');
  if ((await exists(configFile)) && args.flags.force !== true) {
    throw new ConflictError('already_initialized', `${configFile} exists already; use --force to write a new config and certificate (mail, users and secrets are kept)`);
  }

  try {
    await mkdirMode(dataDir, 0o750);
    await createSelfSignedCertificate(config.hostname, config.tls.cert, config.tls.key);
    await createSecret(dataDir);
    await createDatabase(config);
    await writeAtomically(configFile, JSON.stringify({ hostname: raw.hostname, listen: raw.listen, tls: { cert: 'tls/cert.pem', key: 'tls/key.pem' } }, null, 2) + '\n', 0o640);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A file-system refusal (EACCES, ENOTDIR, ENOSPC...) is the admin's to fix: say it in one line.
    if (typeof code === 'string' && code.startsWith('E')) throw new MailroomError('init_failed', `cannot initialize ${dataDir}: ${(err as Error).message}`, { cause: err });
    throw err;
  }

  process.stdout.write(`initialized ${dataDir} for ${config.hostname}\n`);
  return 0;
};
