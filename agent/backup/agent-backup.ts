// The agent's backup service from the config: schedule and policy from backup.*, runs carried
// out by restic directly (the agent must then be able to read the data directory, as in
// development) or, when `helper` is given, by the privileged helper's backup.run (the appliance,
// where restic runs as root). Listing snapshots always runs restic from the agent: it reads the
// repository only, never the data directory.

import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import type { BackupRun } from '../../ui/shared/api-types.js';
import { BackupService, type BackupRunOutcome } from './backup-service.js';
import { configuredClient, runConfiguredBackup } from './configured-backup.js';
import { SNAPSHOT_TAG } from './create-backup.js';
import { spawnRestic, type ResticRunner } from './restic-runner.js';

export interface BackupHelper {
  call<T = unknown>(command: string, args?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<T>;
}

/** `baseEnv`: resticBaseEnv(process.env), read by the agent's composition root. */
export function createAgentBackup(config: Config, options: { publish: (run: BackupRun) => void; logger: Logger; baseEnv: Readonly<Record<string, string>>; helper?: BackupHelper; runner?: ResticRunner }): BackupService {
  const runner = options.runner ?? spawnRestic();
  return new BackupService({
    enabled: config.backup.enabled, repository: config.backup.repository, schedule: config.backup.schedule, keep: config.backup.keep,
    publish: options.publish, logger: options.logger,
    async run(trigger, onProgress): Promise<BackupRunOutcome> {
      if (options.helper) return options.helper.call<BackupRunOutcome>('backup.run', { trigger }, { timeoutMs: 12 * 3600 * 1000 });
      const result = await runConfiguredBackup(config, { runner, baseEnv: options.baseEnv, trigger, onProgress });
      return { snapshotId: result.summary.snapshotId, messages: result.manifest.messageFiles, dataAdded: result.summary.dataAdded };
    },
    async snapshots() {
      return (await configuredClient(config, runner, options.baseEnv)).snapshots(SNAPSHOT_TAG);
    },
  });
}
