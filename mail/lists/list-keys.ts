// The key of the lists' VERP tags and tokens, derived with HKDF from the data directory's random
// secret (secrets/secret.key, made by `mailroom init`), so it is never the same bytes as the SRS
// key or any other key derived from that secret. Called by composition roots only (it reads a file).

import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_SECRET_FILE, loadSrsKey } from '../srs/srs-key.js';

export function deriveListKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'mailroom lists v1', 32));
}

export function loadListKey(dataDir: string): Buffer {
  // loadSrsKey makes the secret when a data directory from before `init` wrote secrets has none.
  loadSrsKey(dataDir, null);
  return deriveListKey(readFileSync(path.join(dataDir, DATA_SECRET_FILE)));
}
