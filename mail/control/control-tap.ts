// What the mail daemon's composition root wires in before anything logs: a log sink that
// passes every line on to the real sink (stdout) and also keeps it for the control API (the
// recent-lines ring, today's counters, the live event stream), and a queue-runner event handler
// that does the same for deliveries. The control server reads from the tap; the tap exists even
// when the server is not started, so nothing is lost while it starts.

import type { LogSink } from '../../core/log.js';
import type { ControlEvent, ControlQueueSummary, QueueEvent } from './control-protocol.js';
import { ControlEventHub } from './control-event-hub.js';
import { DaemonStats } from './daemon-stats.js';
import { LogRing, parseLogLine } from './log-ring.js';

/** Queue changes are announced at most this often: a burst of enqueues is one event. */
const QUEUE_EVENT_INTERVAL_MS = 500;

/** Log messages that mean the queue's content changed (mail/queue/spool.ts). */
const QUEUE_CHANGE_MESSAGES = new Set(['queued', 'removed from queue', 'message done, removed from queue']);

export interface ControlTap {
  readonly events: ControlEventHub;
  readonly logs: LogRing;
  readonly stats: DaemonStats;
  /** A sink for createLogger: every line goes to `downstream` and is kept here. */
  sink(downstream: LogSink): LogSink;
  /** Pass as the QueueRunner's onEvent. */
  onQueueEvent: (event: QueueEvent) => void;
  /** The control server says how to count the queue; until then queue events carry nothing. */
  setQueueSummary(summary: () => ControlQueueSummary): void;
  /** Announces a queue change (coalesced); the control server calls it after retry and rm. */
  queueChanged(): void;
}

export function createControlTap(options: { logCapacity?: number; now?: () => Date } = {}): ControlTap {
  const events = new ControlEventHub();
  const logs = new LogRing(options.logCapacity ?? 2000);
  const stats = new DaemonStats(options.now);
  let summarize: (() => ControlQueueSummary) | null = null;
  let queueTimer: NodeJS.Timeout | null = null;

  const publishQueue = () => {
    queueTimer = null;
    if (!summarize || events.size === 0) return;
    let summary: ControlQueueSummary;
    try {
      summary = summarize();
    } catch {
      return; // the database is closing; the next change reports again
    }
    events.publish({ type: 'queue', summary, time: new Date().toISOString() });
  };
  const queueChanged = () => {
    if (queueTimer || !summarize) return;
    queueTimer = setTimeout(publishQueue, QUEUE_EVENT_INTERVAL_MS);
    queueTimer.unref();
  };

  const keep = (text: string) => {
    // One write may carry several lines (the buffered stdout sink batches a turn's lines).
    for (const part of text.split('\n')) {
      const line = parseLogLine(part);
      if (!line) continue;
      logs.push(line);
      stats.observeLog(line);
      if (events.size > 0) events.publish({ type: 'log', line } satisfies ControlEvent);
      if (QUEUE_CHANGE_MESSAGES.has(line.msg)) queueChanged();
    }
  };

  return {
    events, logs, stats,
    sink(downstream) {
      return {
        write(line: string) {
          // Keeping a line must never cost the line itself.
          try { keep(line); } catch { /* a broken line is still written below */ }
          return downstream.write(line);
        },
      };
    },
    onQueueEvent(event) {
      stats.observeQueue(event);
      if (event.type === 'attempt' || event.type === 'error') return;
      if (events.size > 0) events.publish({ type: 'delivery', event, time: new Date().toISOString() });
      queueChanged();
    },
    setQueueSummary(summary) {
      summarize = summary;
    },
    queueChanged,
  };
}
