// Group commit for directory fsyncs. Making a rename durable needs an fsync of the directory
// that holds the new name, and that fsync covers every rename already done in that directory.
// So concurrent commits into one directory share fsyncs: callers that arrive while none is
// scheduled start a new round on the next turn of the event loop (so everyone who finished a
// rename in this turn joins it); callers that arrive while a round is running wait for the next
// round, because the running fsync may have started before their rename.

import { open } from 'node:fs/promises';

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

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DirectorySyncBarrier {
  private readonly dirs = new Map<string, DirectoryState>();
  /** Calls and actual fsyncs so far; tests and benchmarks read them to see batching work. */
  readonly stats = { requests: 0, fsyncs: 0 };

  constructor(private readonly fsync: DirectoryFsync = fsyncDirectory) {}

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
