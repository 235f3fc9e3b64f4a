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
  write(line: string): unknown;
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
  const sink = options.sink ?? process.stdout;
  const min = ORDER[options.level ?? 'info'];
  const bindings = options.bindings ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[level] < min) return;
    const record: LogFields = { time: new Date().toISOString(), level, msg, ...bindings };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = k === 'err' ? serializeError(v) : v;
    sink.write(JSON.stringify(record) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ level: options.level ?? 'info', sink, bindings: { ...bindings, ...fields } }),
  };
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
