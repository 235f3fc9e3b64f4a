// A cache of recently verified passwords, so that a client that reconnects and logs in again with
// the same password (phones do this all day) does not cost another scrypt (~65 ms of CPU each).
// Dovecot's auth_cache does the same for the same reason.
//
// What is kept per account is HMAC-SHA256(secret, userId \0 storedHash \0 password) and an
// expiry, never the password: the secret is random per process and lives only in this object's
// memory, so a memory dump of the cache is no better for guessing than the hash itself is.
// Because the stored hash string is part of the HMAC input, a password change (in this process
// or in the CLI, which writes a new hash) makes the entry stop matching by itself.
//
// Only successful verifications are remembered; a wrong password is never cached and never
// evicts the account's entry (an attacker must not be able to push a user back onto the slow
// path). Whether the account is disabled is the directory's decision, made on the row it has
// just read, before it asks the cache anything.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface CredentialCacheOptions {
  /** How long a verified password is trusted, in ms (10 minutes). */
  ttlMs?: number;
  /** At most this many accounts are remembered; the least recently used go first (10,000). */
  maxEntries?: number;
  now?: () => number;
}

export const CREDENTIAL_CACHE_DEFAULTS = { ttlMs: 10 * 60_000, maxEntries: 10_000 } as const;

interface Entry {
  digest: Buffer;
  expiresAt: number;
}

export class CredentialCache {
  /** Map order is recency order: a hit moves its account to the end, eviction takes the front. */
  private readonly entries = new Map<string, Entry>();
  private readonly secret = randomBytes(32);
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: CredentialCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? CREDENTIAL_CACHE_DEFAULTS.ttlMs;
    this.maxEntries = options.maxEntries ?? CREDENTIAL_CACHE_DEFAULTS.maxEntries;
    if (!(this.ttlMs > 0)) throw new RangeError(`credential cache ttlMs must be positive, not ${this.ttlMs}`);
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`credential cache maxEntries must be a positive integer, not ${this.maxEntries}`);
    this.now = options.now ?? Date.now;
  }

  /** Whether this password was verified against this very hash of this account, recently. */
  matches(userId: string, storedHash: string, password: string): boolean {
    const entry = this.entries.get(userId);
    if (!entry) return false;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(userId);
      return false;
    }
    if (!timingSafeEqual(entry.digest, this.digest(userId, storedHash, password))) return false;
    this.entries.delete(userId);
    this.entries.set(userId, entry);
    return true;
  }

  /** Call only after the password was verified against storedHash the slow way. */
  remember(userId: string, storedHash: string, password: string): void {
    this.entries.delete(userId);
    this.entries.set(userId, { digest: this.digest(userId, storedHash, password), expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops an account's entry (removed or disabled accounts; not needed for correctness). */
  forget(userId: string): void {
    this.entries.delete(userId);
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(userId: string, storedHash: string, password: string): Buffer {
    // NFC as scrypt sees it (password-hash.ts), so the cache agrees with the slow path.
    return createHmac('sha256', this.secret).update(`${userId}\0${storedHash}\0${password.normalize('NFC')}`).digest();
  }
}

/** A cache from the config's `auth.cache` (seconds); null when ttl is 0 (off). */
export function credentialCacheFromConfig(cache: { ttl: number; maxEntries: number }, now?: () => number): CredentialCache | null {
  if (cache.ttl === 0) return null;
  return new CredentialCache({ ttlMs: cache.ttl * 1000, maxEntries: cache.maxEntries, ...(now ? { now } : {}) });
}
