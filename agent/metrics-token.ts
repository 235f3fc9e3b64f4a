// The bearer token of GET /metrics: config agent.metricsToken, or one generated on first start
// into DIR/secrets/metrics.token (0600) so a Prometheus server can be given it once.

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const METRICS_TOKEN_FILE = 'secrets/metrics.token';

export function loadMetricsToken(dataDir: string, configured: string | null): { token: string; file: string | null } {
  if (configured) return { token: configured, file: null };
  const file = path.join(dataDir, METRICS_TOKEN_FILE);
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, token + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return { token, file };
}
