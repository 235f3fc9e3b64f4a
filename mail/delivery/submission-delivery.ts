// Routes one submitted message: local recipients' mailboxes get it straight from the store's
// delivery transaction, foreign recipients through the durable outbound spool. Both read the
// same stream at once. The message is acknowledged only when both are durable: the spool's
// enqueue is durable when it resolves, the local delivery when it commits; if either fails the
// other is undone (transaction aborted, spool entry removed) and the caller answers 451.
//
// One window remains: between the spool's commit and the store's commit a queue runner poll
// could pick the foreign copy up; if the local commit then fails the spool entry is removed but
// a copy may already be on its way. The runner is only kicked after both are durable, and its
// poll interval is seconds, so this needs a store failure in a window of milliseconds.

import { randomBytes } from 'node:crypto';
import type { EnqueueOptions, QueueEnvelope } from '../queue/spool.js';
import type { MailStore, User } from '../store/contracts.js';
import { uniqueMailboxes } from './local-delivery.js';
import { teeStream } from './tee-stream.js';

/** The part of OutboundSpool that submission needs. */
export interface OutboundQueue {
  enqueue(envelope: QueueEnvelope, body: AsyncIterable<Buffer | string>, options?: EnqueueOptions): Promise<string>;
  remove(id: string): Promise<void>;
}

export interface SubmissionRoute {
  from: string;
  /** Mailboxes of the local recipients (aliases expanded). */
  localUsers: readonly User[];
  /** Recipients in other domains. */
  foreign: readonly string[];
}

export interface SubmissionDelivery {
  /** For the Received header, the 250 reply and the logs. */
  readonly id: string;
  /**
   * Streams the body to both destinations; resolves once both are durable. Call once.
   * `localPrefix` (the Return-Path field) goes in front of the local copies only: a message
   * relayed on must not carry one (RFC 5321 4.4), the final MTA adds it.
   */
  deliver(body: AsyncIterable<Buffer>, options?: { localPrefix?: Buffer }): Promise<{ queueId: string | null; mailboxes: number }>;
  abort(): Promise<void>;
}

export function beginSubmissionDelivery(deps: { mailStore: MailStore; queue: OutboundQueue }, route: SubmissionRoute): SubmissionDelivery {
  const mailboxes = uniqueMailboxes(route.localUsers);
  if (mailboxes.length === 0 && route.foreign.length === 0) throw new RangeError('a submission needs at least one recipient');
  const tx = mailboxes.length > 0 ? deps.mailStore.beginDelivery() : null;
  for (const user of mailboxes) tx!.addRecipient({ userId: user.id });
  const id = tx?.id ?? randomBytes(8).toString('hex');
  let state: 'open' | 'done' | 'aborted' = 'open';

  const abort = async () => {
    if (state !== 'open') return;
    state = 'aborted';
    await tx?.abort().catch(() => undefined);
  };

  return {
    id,
    abort,
    async deliver(body, options = {}) {
      if (state !== 'open') throw new Error(`submission ${id} is already ${state}`);
      const branches = tx && route.foreign.length > 0 ? teeStream(body, 2) : [body];
      const local = tx ? tx.writeBody(prefixed(options.localPrefix, branches[0]!)) : Promise.resolve(null);
      const queued = route.foreign.length > 0 ? deps.queue.enqueue({ from: route.from, recipients: [...route.foreign] }, branches[tx ? 1 : 0]!) : Promise.resolve(null);
      const [l, q] = await Promise.allSettled([local, queued]);
      const queueId = q.status === 'fulfilled' ? q.value : null;
      const undoQueue = async () => { if (queueId) await deps.queue.remove(queueId).catch(() => undefined); };
      if (l.status === 'rejected' || q.status === 'rejected') {
        await undoQueue();
        await abort();
        throw l.status === 'rejected' ? l.reason : (q as PromiseRejectedResult).reason;
      }
      try {
        if (tx) await tx.commit();
      } catch (err) {
        await undoQueue();
        await abort();
        throw err;
      }
      state = 'done';
      return { queueId, mailboxes: mailboxes.length };
    },
  };
}

async function* prefixed(prefix: Buffer | undefined, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (prefix && prefix.length > 0) yield prefix;
  yield* body;
}
