// JSON-lines logging. Every line carries a time, a level, a message and the ids of what it is
// about (connection `cid`, queue id `qid`, job id). Child loggers bind those ids once.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LogSink {
  /** One line (or, from a buffering sink, several). */
  write(line: string): unknown;
  /**
   * Optional: one line with what it says. A sink that wants the line's fields (the control tap)
   * reads them here instead of running JSON.parse on the text it was just given. The logger
   * calls it instead of write() when it can describe the line; otherwise write().
   */
  writeEntry?(line: string, entry: LogEntry): unknown;
}

/**
 * What a line written by this logger says, before serialisation: the line is
 * { time, level, msg, ...bindings, ...fields } as JSON, and no key of `fields` repeats a binding
 * or a head key (a line where one would is written without an entry). Values are as the caller
 * gave them (an `err` is serialised only in the text).
 */
export interface LogEntry {
  readonly time: string;
  readonly level: LogLevel;
  readonly msg: string;
  readonly bindings: Readonly<LogFields>;
  readonly fields: Readonly<LogFields> | undefined;
}

function serializeError(err: unknown): unknown {
  if (err instanceof Error) {
    const out: Record<string, unknown> = { name: err.name, message: err.message };
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (err.cause !== undefined) out.cause = serializeError(err.cause);
    return out;
  }
  return err;
}

export function createLogger(options: { level?: LogLevel; sink?: LogSink; bindings?: LogFields } = {}): Logger {
  return new JsonLogger(options.sink ?? process.stdout, options.level ?? 'info', options.bindings ?? {});
}

// A line is built as text: the fixed head, the bindings serialised once when the (child) logger
// is made, then the call's fields. That is byte for byte what JSON.stringify gives for
// { time, level, msg, ...bindings, ...fields } (a daemon logs a few lines per connection and per
// message, and a child per connection). Whenever that equivalence could break (a field that
// repeats a binding or a head key and so replaces it in place, an integer-like, __proto__ or
// toJSON key, which objects order or treat specially) the line is built from the merged object.
const HEAD_KEYS = new Set(['time', 'level', 'msg']);

function isSpecialKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return (c >= 48 && c <= 57) || key === '__proto__' || key === 'toJSON' || HEAD_KEYS.has(key);
}

class JsonLogger implements Logger {
  private readonly min: number;
  /** The bindings as JSON members without braces ('' for none); null: use the merged-object path. */
  private readonly bound: string | null;

  /** `bound`: the bindings already serialised (by child()); computed here when not given. */
  constructor(private readonly sink: LogSink, private readonly level: LogLevel, private readonly bindings: LogFields, bound?: string | null) {
    this.min = ORDER[level];
    if (bound !== undefined) {
      this.bound = bound;
      return;
    }
    let plain = true;
    for (const k in bindings) if (isSpecialKey(k)) { plain = false; break; }
    this.bound = plain ? JSON.stringify(bindings).slice(1, -1) : null;
  }

  debug(msg: string, fields?: LogFields): void { if (this.min <= 10) this.emit('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { if (this.min <= 20) this.emit('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { if (this.min <= 30) this.emit('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.emit('error', msg, fields); }

  // A child per connection: its bindings' text is the parent's plus the new members, unless a new
  // key is special or repeats a parent's (it would replace that one in place).
  child(fields: LogFields): Logger {
    return new JsonLogger(this.sink, this.level, { ...this.bindings, ...fields }, this.childBound(fields));
  }

  private childBound(fields: LogFields): string | undefined {
    if (this.bound === null) return undefined;
    for (const k in fields) {
      if (!Object.hasOwn(fields, k)) continue;
      if (isSpecialKey(k) || Object.hasOwn(this.bindings, k)) return undefined;
    }
    const members = JSON.stringify(fields).slice(1, -1);
    if (members === '') return this.bound;
    return this.bound ? `${this.bound},${members}` : members;
  }

  private emit(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    const time = new Date().toISOString();
    const fast = this.fastLine(time, level, msg, fields);
    if (fast !== null && this.sink.writeEntry) this.sink.writeEntry(fast + '\n', { time, level, msg, bindings: this.bindings, fields });
    else if (fast !== null) this.sink.write(fast + '\n');
    else this.sink.write(this.mergedLine(time, level, msg, fields) + '\n');
  }

  private fastLine(time: string, level: LogLevel, msg: string, fields: LogFields | undefined): string | null {
    if (this.bound === null || typeof msg !== 'string') return null;
    let tail = '';
    if (fields) {
      let hasErr = false;
      for (const k in fields) {
        if (!Object.hasOwn(fields, k)) continue;
        if (isSpecialKey(k) || Object.hasOwn(this.bindings, k)) return null;
        if (k === 'err') hasErr = true;
      }
      const json = JSON.stringify(hasErr ? { ...fields, err: serializeError(fields.err) } : fields);
      if (json.length > 2) tail = ',' + json.slice(1, -1);
    }
    const head = `{"time":"${time}","level":"${level}","msg":${JSON.stringify(msg)}`;
    return this.bound ? `${head},${this.bound}${tail}}` : `${head}${tail}}`;
  }

  /** The reference construction; every line used to be built this way. */
  private mergedLine(time: string, level: LogLevel, msg: string, fields: LogFields | undefined): string {
    const record: LogFields = { time, level, msg, ...this.bindings };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = k === 'err' ? serializeError(v) : v;
    return JSON.stringify(record);
  }
}

/** A logger that drops everything; for unit tests of one layer. */
export const silentLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return silentLogger; },
};

/**
 * A sink that gathers the lines of one event-loop turn and writes them with one call. stdout to
 * a file or pipe is a synchronous write on Linux, so a busy daemon writing three lines per
 * message would otherwise spend its time in write(2). The lines of the current turn are written
 * when the process exits normally; a SIGKILL can lose at most that turn's lines.
 */
export function createBufferedSink(write: (text: string) => void, maxBytes = 64 * 1024): LogSink & { flush(): void } {
  let pending: string[] = [];
  let bytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    bytes = 0;
    write(text);
  };
  return {
    write(line: string) {
      pending.push(line);
      bytes += line.length;
      if (bytes >= maxBytes) flush();
      else if (!scheduled) { scheduled = true; setImmediate(flush); }
    },
    flush,
  };
}
