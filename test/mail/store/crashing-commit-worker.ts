// A commit worker that dies on cue, around the real one (mail/store/sqlite/commit-worker.ts), for
// the crash tests. The cue is a message's subject, which is also in its search text:
//   "crash before commit"       the worker throws on receiving the batch, before any SQL
//   "crash inside transaction"  the thread exits while the batch's transaction is open
//   "crash after commit"        the worker throws instead of answering a batch it committed

import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import type { CommitRequest } from '../../../mail/store/sqlite/commit-messages.js';

type Listener = (value: unknown) => void;
const port = parentPort!;
let crashAfterCommit = false;

function cue(request: CommitRequest): void {
  const subjects = request.jobs.map((j) => j.index.subject);
  if (subjects.includes('crash before commit')) throw new Error('test: crash before commit');
  crashAfterCommit = subjects.includes('crash after commit');
}

// The real worker's message listener runs behind the cue. (A listener of our own would start the
// port early and could take messages before the real one is listening.)
const on = port.on.bind(port) as (event: string, listener: Listener) => unknown;
(port as unknown as { on: (event: string, listener: Listener) => unknown }).on = (event, listener) =>
  on(event, event === 'message' ? (value) => { cue(value as CommitRequest); listener(value); } : listener);

const post = port.postMessage.bind(port);
port.postMessage = (value: unknown) => {
  if (crashAfterCommit) throw new Error('test: crash after commit');
  post(value);
};

const probe = new Database(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: (...args: unknown[]) => unknown };
probe.close();
const run = statementProto.run;
statementProto.run = function (this: unknown, ...args: unknown[]) {
  if (args.some((a) => typeof a === 'string' && a.includes('crash inside transaction'))) process.exit(3);
  return run.apply(this, args);
};

await import('../../../mail/store/sqlite/commit-worker.js');
