// A spool commit worker that dies on cue, around the real one (mail/queue/spool-commit-worker.ts).
// The cue is an enqueued message's sender:
//   crash-before@…  the worker throws on receiving the batch, before any SQL
//   crash-after@…   the worker commits the batch, then throws instead of answering

import { parentPort } from 'node:worker_threads';
import type { CommitRequest } from '../../../mail/store/sqlite/commit-messages.js';
import type { SpoolWrite } from '../../../mail/queue/spool-writes.js';

type Listener = (value: unknown) => void;
const port = parentPort!;
let crashAfterCommit = false;

function cue(request: CommitRequest): void {
  const senders = (request.jobs as unknown as SpoolWrite[]).map((w) => (w.kind === 'enqueue' ? w.sender : ''));
  if (senders.some((s) => s.startsWith('crash-before@'))) throw new Error('test: crash before commit');
  crashAfterCommit = senders.some((s) => s.startsWith('crash-after@'));
}

// The real worker's listener runs behind the cue (a listener of our own could start the port early).
const on = port.on.bind(port) as (event: string, listener: Listener) => unknown;
(port as unknown as { on: (event: string, listener: Listener) => unknown }).on = (event, listener) =>
  on(event, event === 'message' ? (value) => { cue(value as CommitRequest); listener(value); } : listener);

const post = port.postMessage.bind(port);
port.postMessage = (value: unknown) => {
  if (crashAfterCommit) throw new Error('test: crash after commit');
  post(value);
};

await import('../../../mail/queue/spool-commit-worker.js');
