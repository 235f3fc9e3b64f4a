// Where the agent keeps its own files: agent.db (admins, update history), the audit log, the
// metrics token (secrets/metrics.token) and the last update check. config agent.stateDir
// (relative to DIR), or DIR itself when unset, as in development (`npm start`, tests). The
// appliance sets /var/lib/mailroom-agent (the agent's user owns it; provisioning/tmpfiles.d),
// so the mail daemon's directory stays the mail daemon's: the agent only reads config.json,
// the certificate and the secret there.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.js';

export function agentStateDir(config: Pick<Config, 'agent' | 'dataDir'>): string {
  return config.agent.stateDir ? path.resolve(config.dataDir, config.agent.stateDir) : config.dataDir;
}

/** The state directory, created (0750) when missing; returns its path. */
export function ensureAgentStateDir(config: Pick<Config, 'agent' | 'dataDir'>): string {
  const dir = agentStateDir(config);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  return dir;
}
