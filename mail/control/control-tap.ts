// What the mail daemon's composition root wires in before anything logs: a log sink that
// passes every line on to the real sink (stdout) and also keeps it for the control API (the
// recent-lines ring, today's counters, the live event stream), and a queue-runner event handler
// that does the same for deliveries. The control server reads from the tap; the tap exists even
// when the server is not started, so nothing is lost while it starts.

import type { LogEntry, LogFields, LogSink } from '../../core/log.js';
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

/** A field of the line as its JSON will carry it: a call's field, else a binding. */
function fieldOf(entry: LogEntry, key: string): unknown {
  const { fields, bindings } = entry;
  if (fields && Object.hasOwn(fields, key)) return fields[key];
  return Object.hasOwn(bindings, key) ? (bindings as LogFields)[key] : undefined;
}

/** Would JSON.stringify write this member? (What `key in JSON.parse(line)` asks.) */
function written(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/**
 * Counts a `message` line from its entry, as DaemonStats.observeLog counts the parsed line.
 * False when the entry cannot say what the parsed line would (an outcome that is an object,
 * which toJSON could turn into anything): the caller parses the text instead.
 */
function observeMessage(entry: LogEntry, stats: DaemonStats): boolean {
  const outcome = fieldOf(entry, 'outcome');
  if (typeof outcome === 'object' && outcome !== null) return false;
  // JSON has no undefined, function or symbol: the parsed line would not carry them.
  const counted = written(outcome) ? outcome : undefined;
  const by = written(fieldOf(entry, 'mailboxes')) ? 'mx' : written(fieldOf(entry, 'queueId')) || written(fieldOf(entry, 'user')) ? 'submission' : null;
  stats.observeMessage(counted, by);
  return true;
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

  // A line from core/log.ts comes with what it says: it is kept as text (parsed only when the
  // log API reads it, or at once while someone follows the event stream), and the counters read
  // the few fields they need from the entry. Parsing every line back cost a third of the
  // daemon's logging time.
  const keepEntry = (text: string, entry: LogEntry) => {
    if (entry.msg === 'message' && !observeMessage(entry, stats)) {
      keep(text);
      return;
    }
    if (events.size > 0) {
      const line = parseLogLine(text);
      if (!line) return;
      logs.push(line);
      events.publish({ type: 'log', line } satisfies ControlEvent);
    } else {
      logs.pushText(text, entry.level, entry.time);
    }
    if (QUEUE_CHANGE_MESSAGES.has(entry.msg)) queueChanged();
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
        writeEntry(line: string, entry: LogEntry) {
          try { keepEntry(line, entry); } catch { /* as above */ }
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
