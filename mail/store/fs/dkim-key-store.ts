// DKIM keys on disk: per domain an RSA-2048 and an Ed25519 key under
// DATA/dkim/<domain>/<selector>.{rsa,ed25519}.pem (0600, written atomically) and a manifest of
// selectors (see dkim-manifest.ts). Signing (queue/dkim-signer.ts) reads the active keys; the
// CLI creates, rotates, retires and removes them and prints the published ones for DNS.

import { createPrivateKey, generateKeyPair as generateKeyPairCb, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConflictError, InputError, MailroomError, NotFoundError } from '../../../core/errors.js';
import { normalizeDomain } from '../../../core/address.js';
import { writeFileAtomic } from './atomic-file.js';
import { fsyncDirectory } from './directory-sync-barrier.js';
import { MANIFEST_FILE, parseManifest, serializeManifest, type DkimKeyEntry, type DkimManifest } from './dkim-manifest.js';
import { dkimTxtValue } from './dkim-public-key.js';
import { generationOf, nextGeneration, selectorFor, type DkimAlgorithm } from './dkim-selector.js';

export type { DkimAlgorithm } from './dkim-selector.js';

const ALGORITHMS: readonly DkimAlgorithm[] = ['rsa', 'ed25519'];

/** A key the signer uses. */
export interface DkimSigningKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKey: KeyObject;
}

/** A key to publish in DNS. */
export interface DkimPublishedKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  active: boolean;
  createdAt: Date;
  /** TXT value for `SELECTOR._domainkey.DOMAIN`: `v=DKIM1; k=rsa; p=...`. */
  txt: string;
}

/** Makes a PKCS#8 PEM private key; injectable so tests can make it fail or go faster. */
export type KeyGenerator = (algorithm: DkimAlgorithm) => Promise<string>;

export const generateDkimKey: KeyGenerator = async (algorithm) => {
  const { privateKey } = await new Promise<{ privateKey: KeyObject }>((resolve, reject) => {
    const done = (err: Error | null, _publicKey: KeyObject, privateKey: KeyObject) => (err ? reject(err) : resolve({ privateKey }));
    if (algorithm === 'rsa') generateKeyPairCb('rsa', { modulusLength: 2048 }, done);
    else generateKeyPairCb('ed25519', {}, done);
  });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
};

export interface FsDkimKeyStoreOptions {
  dataDir: string;
  now?: () => Date;
  generateKey?: KeyGenerator;
  /**
   * activeKeys() stats a domain's manifest at most this often (ms): signing a message then costs
   * no file system call. Changes made through any store of this process apply at once.
   */
  manifestCheckIntervalMs?: number;
}

interface CachedKeys {
  /** null: the domain had no manifest. */
  mtimeMs: number | null;
  size: number;
  keys: DkimSigningKey[];
  /** performance.now() of the last stat that confirmed this entry. */
  checkedAt: number;
}

/**
 * Parsed active keys per manifest path, shared by every store in the process: the daemon signs
 * through one store and changes keys through another (the control server's), and a change made
 * through either must reach the signer at once. Keyed by the full path, so stores of different
 * data directories never mix.
 */
const activeKeyCache = new Map<string, CachedKeys>();

/** How long a cached manifest is trusted before its mtime is checked again (another process: the CLI). */
export const DEFAULT_MANIFEST_CHECK_INTERVAL_MS = 1000;

export class FsDkimKeyStore {
  readonly root: string;
  private readonly now: () => Date;
  private readonly generateKey: KeyGenerator;
  private readonly manifestCheckIntervalMs: number;

  constructor(options: FsDkimKeyStoreOptions) {
    this.root = path.join(options.dataDir, 'dkim');
    this.now = options.now ?? (() => new Date());
    this.generateKey = options.generateKey ?? generateDkimKey;
    this.manifestCheckIntervalMs = options.manifestCheckIntervalMs ?? DEFAULT_MANIFEST_CHECK_INTERVAL_MS;
  }

  /**
   * Creates the first key pair of a domain. ConflictError if it has keys already, unless
   * `replace` (the caller knows any keys on disk are stale, e.g. left by an interrupted removal).
   */
  async create(domainName: string, options: { replace?: boolean } = {}): Promise<DkimPublishedKey[]> {
    const domain = checkDomain(domainName);
    const dir = this.domainDir(domain);
    let existed = false;
    try {
      if (options.replace) await this.remove(domain);
      else if (await this.readManifest(domain)) throw new ConflictError('dkim_keys_exist', `domain ${domain} already has DKIM keys`);
      existed = await exists(dir);
      await this.ensureDir(this.root);
      await this.ensureDir(dir);
      const manifest: DkimManifest = { version: 1, domain, keys: [], generations: [] };
      await this.addGeneration(manifest);
      return this.published(manifest);
    } catch (err) {
      // Nothing half-written: a domain either has a complete manifest and its keys, or nothing.
      if (!existed && !(err instanceof ConflictError)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw wrapKeyError(err, domain);
    }
  }

  /** A new pair with new selectors becomes active; the old keys stay published until retired. */
  async rotate(domainName: string): Promise<DkimPublishedKey[]> {
    const domain = checkDomain(domainName);
    const manifest = await this.requireManifest(domain);
    try {
      await this.addGeneration(manifest);
    } catch (err) {
      throw wrapKeyError(err, domain);
    }
    return this.published(manifest);
  }

  /**
   * Stops publishing a selector (`mr2026a-rsa`) or a whole generation (`mr2026a`) and deletes its
   * keys. The active keys cannot be retired: rotate first.
   */
  async retire(domainName: string, selector: string): Promise<string[]> {
    const domain = checkDomain(domainName);
    const manifest = await this.requireManifest(domain);
    const name = selector.trim().toLowerCase();
    const matches = manifest.keys.filter((k) => k.selector === name || (generationOf(k.selector) === name && name === generationOf(name)));
    if (matches.length === 0) throw new NotFoundError('dkim_selector_unknown', `domain ${domain} publishes no DKIM selector "${selector}"`);
    const active = matches.find((k) => k.active);
    if (active) throw new ConflictError('dkim_selector_active', `selector ${active.selector} of ${domain} still signs mail; run "mailroom domain dkim-rotate ${domain}" first`);
    const next: DkimManifest = { ...manifest, keys: manifest.keys.filter((k) => !matches.includes(k)) };
    await this.writeManifest(domain, next);
    for (const key of matches) await unlink(path.join(this.domainDir(domain), key.file)).catch(ignoreMissing);
    await fsyncDirectory(this.domainDir(domain));
    return matches.map((k) => k.selector);
  }

  /** Deletes every key of a domain; a domain without keys is fine. */
  async remove(domainName: string): Promise<void> {
    const domain = checkDomain(domainName);
    const dir = this.domainDir(domain);
    if (!(await exists(dir))) return;
    // Renamed away first, so a crash during the recursive delete leaves no half-present domain.
    const trash = path.join(this.root, `.removed-${domain}-${randomBytes(4).toString('hex')}`);
    await rename(dir, trash);
    await fsyncDirectory(this.root);
    await rm(trash, { recursive: true, force: true });
    activeKeyCache.delete(this.manifestPath(domain));
  }

  /**
   * The keys that sign this domain's mail (one RSA, one Ed25519); empty when it has none.
   * Parsed keys are reused while the manifest's mtime and size are unchanged, and that is
   * checked at most every manifestCheckIntervalMs.
   */
  async activeKeys(domainName: string): Promise<DkimSigningKey[]> {
    const domain = normalizeDomain(domainName);
    if (!domain) return [];
    const file = this.manifestPath(domain);
    const cached = activeKeyCache.get(file);
    const checkedAt = performance.now();
    if (cached && checkedAt - cached.checkedAt < this.manifestCheckIntervalMs) return cached.keys;
    let info;
    try {
      info = await stat(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      activeKeyCache.set(file, { mtimeMs: null, size: 0, keys: [], checkedAt });
      return [];
    }
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      cached.checkedAt = checkedAt;
      return cached.keys;
    }
    const manifest = parseManifest(await readFile(file, 'utf8'), file);
    const keys: DkimSigningKey[] = [];
    for (const entry of manifest.keys.filter((k) => k.active)) {
      keys.push({ domain, selector: entry.selector, algorithm: entry.algorithm, privateKey: await this.loadKey(domain, entry) });
    }
    activeKeyCache.set(file, { mtimeMs: info.mtimeMs, size: info.size, keys, checkedAt });
    return keys;
  }

  /** Every key to keep in DNS, active first, newest first. */
  async publishedKeys(domainName: string): Promise<DkimPublishedKey[]> {
    const domain = checkDomain(domainName);
    const manifest = await this.readManifest(domain);
    return manifest ? this.published(manifest) : [];
  }

  private async published(manifest: DkimManifest): Promise<DkimPublishedKey[]> {
    const out: DkimPublishedKey[] = [];
    const order = [...manifest.keys].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt.localeCompare(a.createdAt) || a.selector.localeCompare(b.selector));
    for (const entry of order) {
      const key = await this.loadKey(manifest.domain, entry);
      out.push({
        domain: manifest.domain, selector: entry.selector, algorithm: entry.algorithm, active: entry.active,
        createdAt: new Date(entry.createdAt), txt: dkimTxtValue(key, entry.algorithm),
      });
    }
    return out;
  }

  /** Generates both keys of a new generation, writes them, then commits the manifest naming them. */
  private async addGeneration(manifest: DkimManifest): Promise<void> {
    const now = this.now();
    const generation = nextGeneration(now, manifest.generations);
    const dir = this.domainDir(manifest.domain);
    const entries: DkimKeyEntry[] = [];
    try {
      for (const algorithm of ALGORITHMS) {
        const selector = selectorFor(generation, algorithm);
        const pem = await this.generateKey(algorithm);
        const file = `${selector}.${algorithm}.pem`;
        entries.push({ selector, algorithm, file, createdAt: now.toISOString(), active: true });
        await writeFileAtomic(path.join(dir, file), pem, 0o600);
      }
      const next: DkimManifest = {
        ...manifest,
        keys: [...manifest.keys.map((k) => ({ ...k, active: false })), ...entries],
        generations: [...manifest.generations, generation],
      };
      await this.writeManifest(manifest.domain, next);
      Object.assign(manifest, next);
    } catch (err) {
      for (const e of entries) await unlink(path.join(dir, e.file)).catch(() => undefined);
      throw err;
    }
  }

  private async loadKey(domain: string, entry: DkimKeyEntry): Promise<KeyObject> {
    const file = path.join(this.domainDir(domain), entry.file);
    try {
      return createPrivateKey(await readFile(file));
    } catch (err) {
      throw new MailroomError('dkim_key_unreadable', `cannot read DKIM key ${entry.selector} of ${domain}`, { cause: err });
    }
  }

  private async readManifest(domain: string): Promise<DkimManifest | null> {
    const file = path.join(this.domainDir(domain), MANIFEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return parseManifest(text, file);
  }

  private async requireManifest(domain: string): Promise<DkimManifest> {
    const manifest = await this.readManifest(domain);
    if (!manifest) throw new NotFoundError('dkim_keys_missing', `domain ${domain} has no DKIM keys`);
    return manifest;
  }

  private async writeManifest(domain: string, manifest: DkimManifest): Promise<void> {
    await writeFileAtomic(this.manifestPath(domain), serializeManifest(manifest), 0o600);
    activeKeyCache.delete(this.manifestPath(domain));
  }

  private manifestPath(domain: string): string {
    return path.join(this.domainDir(domain), MANIFEST_FILE);
  }

  private domainDir(domain: string): string {
    return path.join(this.root, domain);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (await exists(dir)) return;
    await mkdir(dir, { mode: 0o700 });
    await fsyncDirectory(path.dirname(dir));
  }
}

function checkDomain(name: string): string {
  const domain = normalizeDomain(name);
  if (!domain) throw new InputError('domain_invalid', `"${name}" is not a valid domain name`);
  return domain;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

function wrapKeyError(err: unknown, domain: string): unknown {
  if (err instanceof MailroomError) return err;
  return new MailroomError('dkim_keygen_failed', `cannot create DKIM keys for ${domain}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
