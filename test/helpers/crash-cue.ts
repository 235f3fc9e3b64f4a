// Makes a commit worker thread die on cue, for the crash tests of the store's and the spool's
// commit workers (test/mail/store/crashing-commit-worker.ts, test/mail/queue/crashing-spool-
// commit-worker.ts). Call it in the worker before importing the real worker module: `decide`
// sees each batch first and may throw ("crash before commit"); answering "after" lets the real
// worker commit the batch and then throws instead of posting its answer ("crash after commit").

import { parentPort } from 'node:worker_threads';
import type { CommitRequest } from '../../mail/store/sqlite/commit-messages.js';

type Listener = (value: unknown) => void;

export function installCrashCue<J>(decide: (request: CommitRequest<J>) => 'after' | null): void {
  const port = parentPort!;
  // By batch number: a pipelined worker (the spool's) may receive the next batch before it
  // answers this one.
  const crashAfter = new Set<number>();
  // The real worker's message listener runs behind the cue. (A listener of our own would start
  // the port early and could take messages before the real one is listening.)
  const on = port.on.bind(port) as (event: string, listener: Listener) => unknown;
  (port as unknown as { on: (event: string, listener: Listener) => unknown }).on = (event, listener) =>
    on(event, event === 'message' ? (value) => {
      const request = value as CommitRequest<J>;
      if (decide(request) === 'after') crashAfter.add(request.batch);
      listener(value);
    } : listener);
  const post = port.postMessage.bind(port);
  port.postMessage = (value: unknown) => {
    if (crashAfter.has((value as { batch: number }).batch)) throw new Error('test: crash after commit');
    post(value);
  };
}
