// Password hashing with scrypt (memory-hard, in node:crypto, no native add-on to build), stored
// as a PHC-style string so the parameters travel with the hash and can be raised later without
// invalidating existing passwords: `$scrypt$ln=14,r=8,p=1$<salt b64>$<hash b64>`.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/**
 * ln=14 (N=16384, 16 MiB) measured at ~55 ms per hash on the 2-core development machine; the
 * target is 30-60 ms, slow enough to make offline guessing costly and fast enough that a burst
 * of IMAP logins does not queue behind the libuv thread pool.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ ln: 14, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;

// Bounds for parameters read back from a stored hash: a corrupted or hostile hash string must
// not make verify allocate gigabytes or spin for minutes.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node refuses by default above 32 MiB; allow what these parameters need plus headroom.
  const maxmem = 128 * N * params.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

function withinLimits(params: ScryptParams): boolean {
  return (Object.keys(LIMITS) as (keyof ScryptParams)[]).every((k) => {
    const [min, max] = LIMITS[k];
    return Number.isInteger(params[k]) && params[k] >= min && params[k] <= max;
  });
}

/** Hashes a password into a PHC string with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (!withinLimits(params)) throw new RangeError(`scrypt parameters out of range: ${JSON.stringify(params)}`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const m = PHC.exec(stored);
  if (!m) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (!withinLimits(params)) return null;
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { params, salt, hash };
}

/** Whether the password matches the stored hash. A malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) {
    // Still do the work, so a broken row is not distinguishable by timing either.
    await verifyDummy(password);
    return false;
  }
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/** Whether a stored hash was made with weaker parameters than the current ones (rehash on login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return parsed.params.ln < params.ln || parsed.params.r < params.r || parsed.params.p < params.p;
}

/**
 * Spends the same time as verifying a real password with the current parameters, and always
 * fails. Called for unknown accounts so that a login's timing does not reveal whether the
 * account exists. The outcome never matters, so a fresh salt stands in for a stored hash.
 */
export async function verifyDummy(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<false> {
  await derive(password, randomBytes(SALT_BYTES), params, HASH_BYTES);
  return false;
}
