// The daemon's most recent log lines, kept in memory for GET /v1/logs (the panel's log view and
// `agent` alerts). A fixed-size ring: memory stays bounded however chatty the daemon is, and the
// oldest lines go first. Lines are kept as parsed objects; a line that is not JSON is wrapped.

import type { ControlLogLine } from './control-protocol.js';

export type LogLevelName = ControlLogLine['level'];

const LEVELS: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: unknown): value is LogLevelName {
  return typeof value === 'string' && Object.hasOwn(LEVELS, value);
}

/** Parses one JSON log line as core/log.ts writes it; null for an empty line. */
export function parseLogLine(text: string): ControlLogLine | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      if (typeof record.msg === 'string' && typeof record.time === 'string' && isLogLevel(record.level)) return record as ControlLogLine;
    }
  } catch {
    // not JSON: kept as a message below
  }
  return { time: new Date().toISOString(), level: 'info', msg: trimmed };
}

export interface LogQuery {
  /** At most this many lines, the newest ones (default 200). */
  limit?: number;
  /** Lines at this level or above. */
  level?: LogLevelName;
  /** Lines whose time is after this instant. */
  since?: Date;
}

export class LogRing {
  private readonly lines: (ControlLogLine | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`log ring capacity must be a positive integer, not ${capacity}`);
    this.lines = new Array<ControlLogLine | undefined>(capacity);
  }

  push(line: ControlLogLine): void {
    this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Matching lines, oldest first. */
  recent(query: LogQuery = {}): ControlLogLine[] {
    const limit = Math.max(0, Math.min(query.limit ?? 200, this.capacity));
    const min = query.level ? LEVELS[query.level] : 0;
    const since = query.since?.getTime();
    const out: ControlLogLine[] = [];
    // Walk newest to oldest so the limit keeps the newest, then put them back in order.
    for (let i = 0; i < this.count && out.length < limit; i++) {
      const line = this.lines[(this.next - 1 - i + this.capacity) % this.capacity]!;
      if (LEVELS[line.level] < min) continue;
      if (since !== undefined && !(Date.parse(line.time) > since)) continue;
      out.push(line);
    }
    return out.reverse();
  }
}
