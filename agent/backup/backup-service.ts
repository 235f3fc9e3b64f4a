// The agent's backup jobs: one run at a time, started by the schedule (node-cron, config
// backup.schedule) or by an admin in the panel; its progress published on the websocket's
// `backup` channel (at most twice a second) and the last results kept for the panel.
// How a run is carried out (restic directly, or through the privileged helper) is injected.

import { randomBytes } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../core/log.js';
import type { BackupRun, BackupSnapshotView, BackupStatusResponse } from '../../ui/shared/api-types.js';
import { BackupError } from './backup-error.js';
import type { BackupTrigger } from './configured-backup.js';
import type { BackupProgress, Snapshot } from './restic-client.js';

export interface BackupRunOutcome {
  snapshotId: string;
  messages: number;
  dataAdded: number;
}

export interface BackupServiceOptions {
  enabled: boolean;
  repository: string | null;
  schedule: string;
  keep: { daily: number; weekly: number; monthly: number };
  run: (trigger: BackupTrigger, onProgress: (p: BackupProgress) => void) => Promise<BackupRunOutcome>;
  snapshots: () => Promise<Snapshot[]>;
  publish: (run: BackupRun) => void;
  logger: Logger;
  now?: () => number;
}

const KEPT_RUNS = 20;
const PUBLISH_EVERY_MS = 500;

export class BackupService {
  private current: BackupRun | null = null;
  private readonly recent: BackupRun[] = [];
  private task: ScheduledTask | null = null;
  private lastPublish = 0;
  private running: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: BackupServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts the schedule when backups are enabled; an invalid cron expression is refused here. */
  start(): void {
    if (!this.options.enabled) return;
    if (!cron.validate(this.options.schedule)) throw new BackupError('invalid_backup_config', `backup.schedule "${this.options.schedule}" is not a cron expression (e.g. "30 2 * * *")`);
    this.task = cron.schedule(this.options.schedule, () => {
      try {
        this.begin('scheduled');
      } catch (err) {
        this.options.logger.warn('scheduled backup skipped', { err, outcome: 'skipped' });
      }
    }, { name: 'backup', noOverlap: true });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.running?.catch(() => undefined);
  }

  status(): BackupStatusResponse {
    return {
      enabled: this.options.enabled, repository: this.options.repository,
      schedule: this.options.enabled ? this.options.schedule : null, keep: this.options.keep,
      current: this.current, recent: [...this.recent],
    };
  }

  async snapshots(): Promise<BackupSnapshotView[]> {
    const list = await this.options.snapshots();
    return list.map((s) => ({ id: s.id, shortId: s.shortId, time: s.time, hostname: s.hostname, tags: s.tags })).reverse();
  }

  /** Starts a run now; refuses (backup_running) while one is under way. Resolves at its end via `settled()`. */
  begin(trigger: BackupTrigger): BackupRun {
    if (!this.options.repository) throw new BackupError('invalid_backup_config', 'no backup repository configured (backup.repository in config.json)');
    if (this.current) throw new BackupError('backup_running', 'a backup is already running');
    const run: BackupRun = {
      id: randomBytes(6).toString('hex'), trigger, state: 'running', startedAt: new Date(this.now()).toISOString(),
      finishedAt: null, progress: null, snapshotId: null, messages: null, dataAdded: null, error: null,
    };
    this.current = run;
    this.options.publish({ ...run });
    const logger = this.options.logger.child({ job: run.id });
    logger.info('backup started', { trigger, outcome: 'started' });
    this.running = this.options.run(trigger, (p) => this.onProgress(run, p)).then(
      (outcome) => {
        Object.assign(run, { state: 'succeeded', snapshotId: outcome.snapshotId, messages: outcome.messages, dataAdded: outcome.dataAdded });
        logger.info('backup finished', { snapshot: outcome.snapshotId, messages: outcome.messages, outcome: 'succeeded' });
      },
      (err: unknown) => {
        const code = err instanceof BackupError || (err as { code?: unknown })?.code ? String((err as { code: unknown }).code) : 'internal';
        run.state = 'failed';
        run.error = { code, message: err instanceof Error ? err.message : String(err) };
        logger.warn('backup failed', { err, code, outcome: 'failed' });
      },
    ).finally(() => {
      run.finishedAt = new Date(this.now()).toISOString();
      this.current = null;
      this.recent.unshift(run);
      this.recent.length = Math.min(this.recent.length, KEPT_RUNS);
      this.options.publish({ ...run });
    });
    return { ...run };
  }

  /** Resolves when the run under way (if any) has finished. */
  settled(): Promise<void> {
    return this.running?.catch(() => undefined) ?? Promise.resolve();
  }

  private onProgress(run: BackupRun, p: BackupProgress): void {
    run.progress = { percentDone: p.percentDone, filesDone: p.filesDone, totalFiles: p.totalFiles, bytesDone: p.bytesDone, totalBytes: p.totalBytes };
    const t = this.now();
    if (t - this.lastPublish < PUBLISH_EVERY_MS) return;
    this.lastPublish = t;
    this.options.publish({ ...run });
  }
}
