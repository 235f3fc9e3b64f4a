// A spool commit worker that dies on cue, around the real one (mail/queue/spool-commit-worker.ts).
// The cue is an enqueued message's sender:
//   crash-before@…  the worker throws on receiving the batch, before any SQL
//   crash-after@…   the worker commits the batch, then throws instead of answering

import type { SpoolWrite } from '../../../mail/queue/spool-writes.js';
import { installCrashCue } from '../../helpers/crash-cue.js';

installCrashCue<SpoolWrite>((request) => {
  const senders = request.jobs.map((w) => (w.kind === 'enqueue' ? w.sender : ''));
  if (senders.some((s) => s.startsWith('crash-before@'))) throw new Error('test: crash before commit');
  return senders.some((s) => s.startsWith('crash-after@')) ? 'after' : null;
});

await import('../../../mail/queue/spool-commit-worker.js');
