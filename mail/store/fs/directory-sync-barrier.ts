// Group commit for directory fsyncs. Making a new name (a created file, a rename) durable needs
// an fsync of the directory that holds it, and that fsync covers every name already made in that
// directory. So concurrent commits into one directory share fsyncs: callers that arrive while
// none is scheduled start a new round on the next turn of the event loop (so everyone who made
// a name in this turn joins it); callers that arrive while a round is running wait for the next
// round, because the running fsync may have started before their name was made.

import { close, fsync, open } from 'node:fs';

interface Round {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface DirectoryState {
  running: boolean;
  next: Round | null;
}

export type DirectoryFsync = (dir: string) => Promise<void>;

// Plain descriptors and callbacks, not a FileHandle: this runs for every batch of deliveries,
// and FileHandle objects (and their finalisation tracking) cost measurable main-thread time.
export function fsyncDirectory(dir: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    open(dir, 'r', (openErr, fd) => {
      if (openErr) return reject(openErr);
      fsync(fd, (syncErr) => {
        close(fd, (closeErr) => {
          const err = syncErr ?? closeErr;
          if (err) reject(err);
          else resolve();
        });
      });
    });
  });
}

/** A directory descriptor stays open this long after its last fsync, for the next round. */
const IDLE_CLOSE_MS = 2000;

interface OpenDirectory {
  fd: Promise<number>;
  busy: number;
  timer: NodeJS.Timeout | null;
}

/**
 * fsync of directories through descriptors kept open between rounds: under load the hour
 * directory is fsynced many times a second, and open + close around each fsync cost as much
 * main-thread time as the fsync itself. A descriptor is closed once its directory has had no
 * fsync for IDLE_CLOSE_MS, and dropped at once after a failed fsync (the next opens afresh).
 */
export class OpenDirectoryFsync {
  private readonly dirs = new Map<string, OpenDirectory>();

  readonly fsync: DirectoryFsync = async (dir) => {
    let entry = this.dirs.get(dir);
    if (!entry) {
      const fresh: OpenDirectory = { fd: callFs<number>((done) => open(dir, 'r', done)), busy: 0, timer: null };
      fresh.fd.catch(() => { if (this.dirs.get(dir) === fresh) this.dirs.delete(dir); });
      this.dirs.set(dir, fresh);
      entry = fresh;
    }
    const e = entry;
    e.busy++;
    if (e.timer) { clearTimeout(e.timer); e.timer = null; }
    let failed = false;
    try {
      const fd = await e.fd;
      await callFs<void>((done) => fsync(fd, done));
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      e.busy--;
      if (failed && this.dirs.get(dir) === e) this.dirs.delete(dir);
      if (e.busy === 0) {
        if (failed || this.dirs.get(dir) !== e) this.release(e);
        else {
          e.timer = setTimeout(() => { if (this.dirs.get(dir) === e) this.dirs.delete(dir); this.release(e); }, IDLE_CLOSE_MS);
          e.timer.unref();
        }
      }
    }
  };

  private release(e: OpenDirectory): void {
    e.fd.then((fd) => close(fd, () => undefined), () => undefined);
  }
}

function callFs<T>(fn: (done: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

export class DirectorySyncBarrier {
  private readonly dirs = new Map<string, DirectoryState>();
  /** Calls and actual fsyncs so far; tests and benchmarks read them to see batching work. */
  readonly stats = { requests: 0, fsyncs: 0 };

  constructor(private readonly fsync: DirectoryFsync = new OpenDirectoryFsync().fsync) {}

  /** Resolves once an fsync of `dir` that started after this call has completed. */
  sync(dir: string): Promise<void> {
    this.stats.requests++;
    let state = this.dirs.get(dir);
    if (!state) {
      state = { running: false, next: null };
      this.dirs.set(dir, state);
    }
    if (!state.next) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
      state.next = { promise, resolve, reject };
      if (!state.running) {
        state.running = true;
        const s = state;
        setImmediate(() => this.run(dir, s));
      }
    }
    return state.next.promise;
  }

  private run(dir: string, state: DirectoryState): void {
    const round = state.next!;
    state.next = null;
    this.stats.fsyncs++;
    this.fsync(dir).then(round.resolve, round.reject).finally(() => {
      if (state.next) {
        this.run(dir, state);
      } else {
        state.running = false;
        this.dirs.delete(dir);
      }
    });
  }
}
