// Twice a day (node-cron), and once shortly after start, the agent asks whether the certificate
// needs renewing (fewer than 30 days left, self-signed, or names missing) and renews it. The
// minute is derived from the host name so that many appliances do not all ask the CA at once.

import { createHash } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import { silentLogger, type Logger } from '../../core/log.js';

export interface RenewalSchedulerOptions {
  hostname: string;
  renew: () => Promise<unknown>;
  /** First look after start; null: none. */
  initialDelayMs?: number | null;
  /** A cron expression; default twice a day at a host-specific minute. */
  expression?: string;
  logger?: Logger;
}

/** "M H1,H2 * * *": twice a day, 12 hours apart, at a minute and hours fixed per host name. */
export function renewalExpression(hostname: string): string {
  const h = createHash('sha256').update(hostname).digest();
  const minute = h[0]! % 60;
  const hour = h[1]! % 12;
  return `${minute} ${hour},${hour + 12} * * *`;
}

export class RenewalScheduler {
  private task: ScheduledTask | null = null;
  private initial: NodeJS.Timeout | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: RenewalSchedulerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get expression(): string {
    return this.options.expression ?? renewalExpression(this.options.hostname);
  }

  start(): void {
    if (this.task) return;
    this.task = cron.schedule(this.expression, () => this.run(), { name: 'acme-renewal', noOverlap: true });
    const delay = this.options.initialDelayMs === undefined ? 30_000 : this.options.initialDelayMs;
    if (delay !== null) {
      this.initial = setTimeout(() => { void this.run(); }, delay);
      this.initial.unref();
    }
    this.logger.info('certificate renewal scheduled', { cron: this.expression, outcome: 'scheduled' });
  }

  nextRun(): Date | null {
    return this.task?.getNextRun() ?? null;
  }

  async stop(): Promise<void> {
    if (this.initial) clearTimeout(this.initial);
    this.initial = null;
    await this.task?.destroy();
    this.task = null;
  }

  /** One look; failures are the service's to report (log and alert), never thrown from a timer. */
  async run(): Promise<void> {
    try {
      await this.options.renew();
    } catch (err) {
      this.logger.debug('scheduled renewal failed', { err });
    }
  }
}
