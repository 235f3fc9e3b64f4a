// Builds an UpdateService for a process that has a validated config: the agent's own database
// for the history, the caller's runner (the CLI's spawns in its own environment, the helper's
// goes through ctx.run), this build's version as the base version. Used by the CLI
// and the privileged helper's commands; the agent builds its own with its open database.

import path from 'node:path';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import { packageVersion } from '../../mail/control/package-version.js';
import { AGENT_DATABASE_FILE, openAgentDatabase } from '../admin/agent-database.js';
import { ensureAgentStateDir } from '../agent-state-dir.js';
import type { CommandRunner } from './command-runner.js';
import { UpdateHistory } from './update-history.js';
import { UpdateService } from './update-service.js';

export async function withUpdateService<T>(config: Config, logger: Logger, use: (service: UpdateService) => Promise<T>, options: { runner: CommandRunner }): Promise<T> {
  const db = openAgentDatabase(path.join(ensureAgentStateDir(config), AGENT_DATABASE_FILE));
  try {
    const service = new UpdateService({ config, runner: options.runner, history: new UpdateHistory(db), logger, baseVersion: packageVersion() });
    return await use(service);
  } finally {
    db.close();
  }
}
