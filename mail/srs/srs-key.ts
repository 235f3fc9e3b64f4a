// The SRS key. Either config srs.secret (an admin who wants the key to survive a reinstall, or
// two MX hosts that must accept each other's SRS addresses), or derived with HKDF from the data
// directory's random secret (secrets/secret.key, made by `mailroom init`), so that the SRS key
// is never the same bytes as any other key derived from that secret. Called by the composition
// root only (it reads a file).

import { randomBytes, hkdfSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where `mailroom init` keeps the data directory's random secret (cli/commands/init.ts). */
export const DATA_SECRET_FILE = 'secrets/secret.key';

export function deriveSrsKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'mailroom srs v1', 32));
}

/**
 * The key for config srs.secret, or for the data directory's secret. A data directory from before
 * `init` wrote secrets gets one now (never replaced once it exists: that would break every SRS
 * address in flight).
 */
export function loadSrsKey(dataDir: string, configured: string | null): Buffer {
  if (configured !== null) return Buffer.from(configured, 'utf8');
  const file = path.join(dataDir, DATA_SECRET_FILE);
  let secret: Buffer;
  try {
    secret = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    secret = readFileSync(file);
  }
  if (secret.length < 16) throw new Error(`${file} is too short to be a secret (${secret.length} bytes)`);
  return deriveSrsKey(secret);
}
