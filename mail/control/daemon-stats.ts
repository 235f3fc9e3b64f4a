// Today's mail counters for the panel (messages in and out). They are counted from what the
// daemon already reports: the one `message` log line every finished SMTP transaction writes
// (mail/session/smtp/on-data.ts and mail/session/submission/on-data.ts) and the queue runner's
// events. Counting there, rather than with hooks in every session, keeps the sessions unaware
// of the control API. Counters live in memory, restart with the daemon and reset at the start of
// the machine's local day.

import type { ControlLogLine, ControlStats, QueueEvent } from './control-protocol.js';

type Counter = 'received' | 'submitted' | 'delivered' | 'deferred' | 'failed' | 'bounced' | 'refused';

function startOfDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

export class DaemonStats {
  private readonly startedAt: Date;
  private since: Date;
  private counts: Record<Counter, number> = DaemonStats.zero();

  constructor(private readonly now: () => Date = () => new Date()) {
    this.startedAt = now();
    this.since = startOfDay(this.startedAt);
  }

  private static zero(): Record<Counter, number> {
    return { received: 0, submitted: 0, delivered: 0, deferred: 0, failed: 0, bounced: 0, refused: 0 };
  }

  private add(counter: Counter, n = 1): void {
    this.rollOver();
    this.counts[counter] += n;
  }

  private rollOver(): void {
    const today = startOfDay(this.now());
    if (today.getTime() !== this.since.getTime()) {
      this.since = today;
      this.counts = DaemonStats.zero();
    }
  }

  /** Looks at one log line; only finished SMTP transactions count. */
  observeLog(line: ControlLogLine): void {
    if (line.msg !== 'message') return;
    this.observeMessage(line.outcome, 'mailboxes' in line ? 'mx' : 'queueId' in line || 'user' in line ? 'submission' : null);
  }

  /**
   * One finished SMTP transaction (a `message` line): its outcome, and whose line it is. The MX's
   * line names the mailboxes it filed into; submission's names the spool's queue id or the user.
   */
  observeMessage(outcome: unknown, by: 'mx' | 'submission' | null): void {
    if (outcome === 'delivered') {
      if (by === 'mx') this.add('received');
      else if (by === 'submission') this.add('submitted');
    } else if (typeof outcome === 'string' && outcome !== 'failed') {
      this.add('refused');
    }
  }

  observeQueue(event: QueueEvent): void {
    if (event.type === 'delivered') this.add('delivered');
    else if (event.type === 'deferred') this.add('deferred');
    else if (event.type === 'failed') this.add('failed');
    else if (event.type === 'bounced') this.add('bounced');
  }

  snapshot(queue: ControlStats['queue']): ControlStats {
    this.rollOver();
    return { since: this.since.toISOString(), startedAt: this.startedAt.toISOString(), ...this.counts, queue };
  }
}
