// Mailroom's version (package.json's "version"), for /v1/health and the panel's system page.
// Found by walking up from this file, so it works from the source tree and the compiled one.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function packageVersion(): string {
  if (cached !== null) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'mailroom' && typeof pkg.version === 'string') return (cached = pkg.version);
      } catch {
        // not ours; keep looking
      }
    }
    dir = path.dirname(dir);
  }
  return (cached = '0.0.0');
}
