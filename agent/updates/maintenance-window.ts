// The maintenance window: a node-cron schedule (updates.window) opens it for updates.windowLength
// seconds. Only then does the agent update anything by itself, and only when updates.enabled;
// an admin's `mailroom updates apply` or the panel's button works at any time.

import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../core/log.js';
import { UpdateError } from './update-errors.js';

export interface MaintenanceWindowOptions {
  cron: string;
  lengthSeconds: number;
  /** The window's work; it must not start anything new after `deadline`. */
  job(deadline: Date): Promise<void>;
  logger: Logger;
  now?: () => Date;
}

export class MaintenanceWindow {
  private task: ScheduledTask | null = null;
  private openUntil: Date | null = null;
  private readonly now: () => Date;

  constructor(private readonly options: MaintenanceWindowOptions) {
    if (!cron.validate(options.cron)) throw new UpdateError('updates_disabled', `updates.window: "${options.cron}" is not a valid cron expression`);
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.task) return;
    this.task = cron.schedule(this.options.cron, () => this.open(), { name: 'updates-window', noOverlap: true });
  }

  async stop(): Promise<void> {
    const t = this.task;
    this.task = null;
    if (t) await t.destroy();
  }

  /** Whether a window is open now. */
  get isOpen(): boolean {
    return this.openUntil !== null && this.now() < this.openUntil;
  }

  nextStart(): Date | null {
    return this.task?.getNextRun() ?? null;
  }

  /** Opens the window now (the cron tick; tests call it directly). */
  async open(): Promise<void> {
    if (this.isOpen) return;
    const deadline = new Date(this.now().getTime() + this.options.lengthSeconds * 1000);
    this.openUntil = deadline;
    this.options.logger.info('maintenance window open', { until: deadline.toISOString(), outcome: 'open' });
    try {
      await this.options.job(deadline);
    } catch (err) {
      this.options.logger.error('maintenance window job failed', { err, outcome: 'failed' });
    } finally {
      this.openUntil = null;
      this.options.logger.info('maintenance window closed', { outcome: 'closed' });
    }
  }
}
