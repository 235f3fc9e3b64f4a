// Looks at everything alerts are about, every `intervalMs`: the newest hardware sample (disk
// usage), SMART and RAID state, whether the mail daemon answers, its queue's size, the TLS
// certificate's expiry; feeds the engine; and lets the mailer retry what it could not send.
// The mail daemon counts as down after `downAfter` checks in a row without an answer, so a
// restart of the daemon (a few seconds) does not page anyone.

import { silentLogger, type Logger } from '../../core/log.js';
import type { MailControl } from '../../mail/control/control-client.js';
import type { MetricsSample, QueueSummary, RaidArray, SmartReport } from '../../ui/shared/api-types.js';
import type { AlertChange, AlertEngine } from './alert-engine.js';
import { evaluateAlerts, type AlertObservations, type AlertThresholds } from './alert-rules.js';
import type { AlertMailer } from './alert-mailer.js';

export interface AlertCheckerOptions {
  engine: AlertEngine;
  thresholds: AlertThresholds;
  monitor: { latest(): MetricsSample | null; smart(): SmartReport; raid(): RaidArray[] };
  control: Pick<MailControl, 'health' | 'queueSummary'>;
  readCertificate: () => Promise<{ validTo: Date } | { error: string }>;
  intervalMs: number;
  mailer?: AlertMailer | null;
  downAfter?: number;
  now?: () => Date;
  logger?: Logger;
}

export class AlertChecker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private up: boolean | null = null;
  private queue: QueueSummary | null = null;
  private checking: Promise<AlertChange[]> | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: AlertCheckerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Whether the mail daemon answered at the last check (null before the first). */
  get mailDaemonUp(): boolean | null {
    return this.up;
  }

  get lastQueue(): QueueSummary | null {
    return this.queue;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.checking?.catch(() => undefined);
  }

  checkNow(): Promise<AlertChange[]> {
    this.checking ??= this.check().finally(() => { this.checking = null; });
    return this.checking;
  }

  private async check(): Promise<AlertChange[]> {
    const o: AlertObservations = { now: (this.options.now ?? (() => new Date()))() };
    const sample = this.options.monitor.latest();
    if (sample) o.disks = sample.disks;
    const smart = this.options.monitor.smart();
    if (smart.checkedAt) {
      o.smart = smart;
      o.raid = this.options.monitor.raid();
    }
    try {
      await this.options.control.health();
      this.failures = 0;
      this.up = true;
      o.mailDaemonUp = true;
      this.queue = await this.options.control.queueSummary();
      o.queue = this.queue;
    } catch (err) {
      this.failures++;
      this.queue = null;
      if (this.failures >= (this.options.downAfter ?? 2)) {
        this.up = false;
        o.mailDaemonUp = false;
      }
      this.logger.debug('mail daemon check failed', { failures: this.failures, err });
    }
    o.certificate = await this.options.readCertificate();
    const { evaluated, firing } = evaluateAlerts(o, this.options.thresholds);
    const changes = this.options.engine.update(evaluated, firing);
    for (const c of changes) this.logger[c.change === 'resolved' ? 'info' : 'warn']('alert', { alert: c.alert.id, change: c.change, severity: c.alert.severity, message: c.alert.message });
    await this.options.mailer?.flush();
    return changes;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.checkNow().catch((err: unknown) => this.logger.warn('alert check failed', { err })).finally(() => this.schedule(this.options.intervalMs));
    }, delay);
    this.timer.unref();
  }
}
