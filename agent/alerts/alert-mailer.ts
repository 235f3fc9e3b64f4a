// Mails each change of an alert's state to the admin address (config agent.alertEmail) through
// the mail daemon's control API ("system mail": local addresses straight into the mailbox,
// others through the outbound queue and its retries). When the daemon itself is down the
// notices wait here, in order, and go out at the next check after it is back; the waiting list
// is bounded so a long outage cannot grow it without end (the oldest are dropped, and said so).

import { silentLogger, type Logger } from '../../core/log.js';
import type { ControlSystemMail } from '../../mail/control/control-protocol.js';
import type { AlertChange } from './alert-engine.js';

export interface AlertMailerOptions {
  to: string;
  hostname: string;
  send: (mail: ControlSystemMail) => Promise<unknown>;
  maxPending?: number;
  logger?: Logger;
}

const WORD: Record<AlertChange['change'], string> = { raised: 'ALERT', escalated: 'CRITICAL', deescalated: 'better', resolved: 'resolved' };

export function alertMail(change: AlertChange, hostname: string, to: string): ControlSystemMail {
  const a = change.alert;
  const subject = `[${hostname}] ${WORD[change.change]}: ${a.message}`.slice(0, 200);
  const text = [
    change.change === 'resolved' ? `Resolved on ${hostname}:` : `On ${hostname}, since ${a.since}:`,
    '',
    `  ${a.message}`,
    '',
    `severity: ${a.severity}`,
    `alert: ${a.id}`,
    ...(a.resolvedAt ? [`resolved at: ${a.resolvedAt}`] : []),
    '',
    'You get one message when an alert starts, changes severity and ends. The admin panel lists the alerts that are firing now.',
    '',
  ].join('\n');
  return { to: [to], subject, text };
}

export class AlertMailer {
  private readonly pending: ControlSystemMail[] = [];
  private readonly maxPending: number;
  private readonly logger: Logger;
  private flushing: Promise<void> | null = null;
  private dropped = 0;

  constructor(private readonly options: AlertMailerOptions) {
    this.maxPending = options.maxPending ?? 50;
    this.logger = options.logger ?? silentLogger;
  }

  get waiting(): number {
    return this.pending.length;
  }

  notify(change: AlertChange): void {
    this.pending.push(alertMail(change, this.options.hostname, this.options.to));
    while (this.pending.length > this.maxPending) {
      this.pending.shift();
      this.dropped++;
    }
    void this.flush();
  }

  /** Sends what waits, in order; stops at the first failure and keeps the rest for later. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn('alert mails dropped while the mail daemon was unreachable', { dropped: this.dropped });
      this.dropped = 0;
    }
    while (this.pending.length > 0) {
      const mail = this.pending[0]!;
      try {
        await this.options.send(mail);
        this.pending.shift();
        this.logger.info('alert mailed', { to: mail.to, subject: mail.subject });
      } catch (err) {
        this.logger.warn('alert mail not sent yet', { subject: mail.subject, waiting: this.pending.length, err });
        return;
      }
    }
  }
}
