// A commit worker that dies on cue, around the real one (mail/store/sqlite/commit-worker.ts), for
// the crash tests. The cue is a message's subject, which is also in its search text:
//   "crash before commit"       the worker throws on receiving the batch, before any SQL
//   "crash inside transaction"  the thread exits while the batch's transaction is open
//   "crash after commit"        the worker throws instead of answering a batch it committed

import Database from 'better-sqlite3';
import type { DeliveryJob } from '../../../mail/store/sqlite/deliver-message.js';
import { indexedJob } from '../../../mail/store/sqlite/job-index.js';
import { installCrashCue } from '../../helpers/crash-cue.js';

installCrashCue<DeliveryJob>((request) => {
  // Indexed here too (small bodies arrive as bytes); the worker indexes its own copy again.
  const subjects = request.jobs.map((j) => indexedJob(j).index.subject);
  if (subjects.includes('crash before commit')) throw new Error('test: crash before commit');
  return subjects.includes('crash after commit') ? 'after' : null;
});

const probe = new Database(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: (...args: unknown[]) => unknown };
probe.close();
const run = statementProto.run;
statementProto.run = function (this: unknown, ...args: unknown[]) {
  if (args.some((a) => typeof a === 'string' && a.includes('crash inside transaction'))) process.exit(3);
  return run.apply(this, args);
};

await import('../../../mail/store/sqlite/commit-worker.js');
