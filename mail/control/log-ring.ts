// The daemon's most recent log lines, kept in memory for GET /v1/logs (the panel's log view and
// `agent` alerts). A fixed-size ring: memory stays bounded however chatty the daemon is, and the
// oldest lines go first. A line that is not JSON is wrapped.

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
  // Parallel slots rather than an object per line: a daemon logs a few lines per connection and
  // most are never read. A line is kept either parsed (`parsed`) or as the text the logger wrote
  // (`texts`), parsed the first time a query returns it; level and time are kept beside it so a
  // query can filter without parsing.
  private readonly parsed: (ControlLogLine | undefined)[];
  private readonly texts: (string | undefined)[];
  private readonly levels: number[];
  private readonly times: string[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`log ring capacity must be a positive integer, not ${capacity}`);
    this.parsed = new Array<ControlLogLine | undefined>(capacity);
    this.texts = new Array<string | undefined>(capacity);
    this.levels = new Array<number>(capacity).fill(0);
    this.times = new Array<string>(capacity).fill('');
  }

  push(line: ControlLogLine): void {
    const i = this.advance();
    this.parsed[i] = line;
    this.texts[i] = undefined;
    this.levels[i] = LEVELS[line.level];
    this.times[i] = line.time;
  }

  /**
   * Keeps a line as the JSON text core/log.ts wrote, with the level and time it carries; it is
   * parsed only if a query returns it.
   */
  pushText(text: string, level: LogLevelName, time: string): void {
    const i = this.advance();
    this.parsed[i] = undefined;
    this.texts[i] = text;
    this.levels[i] = LEVELS[level];
    this.times[i] = time;
  }

  /** Matching lines, oldest first. */
  recent(query: LogQuery = {}): ControlLogLine[] {
    const limit = Math.max(0, Math.min(query.limit ?? 200, this.capacity));
    const min = query.level ? LEVELS[query.level] : 0;
    const since = query.since?.getTime();
    const out: ControlLogLine[] = [];
    // Walk newest to oldest so the limit keeps the newest, then put them back in order.
    for (let i = 0; i < this.count && out.length < limit; i++) {
      const slot = (this.next - 1 - i + this.capacity) % this.capacity;
      if (this.levels[slot]! < min) continue;
      if (since !== undefined && !(Date.parse(this.times[slot]!) > since)) continue;
      out.push(this.lineAt(slot));
    }
    return out.reverse();
  }

  private lineAt(slot: number): ControlLogLine {
    let line = this.parsed[slot];
    if (line === undefined) {
      line = parseLogLine(this.texts[slot]!)!;
      this.parsed[slot] = line;
      this.texts[slot] = undefined;
    }
    return line;
  }

  private advance(): number {
    const i = this.next;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return i;
  }
}
