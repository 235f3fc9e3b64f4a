// Local members post through submission (587/465): RCPT takes a list address like a foreign
// recipient (mail/session/submission/on-rcpt-to.ts checks the posting policy with the
// authenticated user's envelope sender), and this queue, which submission hands its foreign
// recipients to, gives the list recipients to the list itself (ListService.receive, as the MX
// does) instead of the outbound spool, which would only send them round through our own MX.
// The other foreign recipients of the same message go to the spool, reading the same stream.
//
// Durable as the spool is: enqueue resolves once every list has archived (and queued or held)
// the post and the spool has the rest. A list's refusal at the end of DATA (the header From is
// no member's) comes back as a ForwardRefusal carrying the list's reply, which submission's DATA
// handler answers as it is (550 5.7.1) rather than as a temporary failure. What a list has
// distributed cannot be taken back: remove() undoes only the spool's part (the same window
// submission-delivery.ts describes for a failing local commit).

import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log.js';
import { ForwardRefusal } from '../delivery/forward-delivery.js';
import type { OutboundQueue } from '../delivery/submission-delivery.js';
import { teeStream } from '../delivery/tee-stream.js';
import { ListRefusal, type ListRecipient, type ListService } from './list-service.js';

const LIST_ID_PREFIX = 'list-';

export function listPostingQueue(lists: ListService | null, queue: OutboundQueue, logger: Logger): OutboundQueue {
  if (!lists) return queue;
  return {
    async enqueue(envelope, body, options) {
      const posts: ListRecipient[] = [];
      const rest: string[] = [];
      for (const r of envelope.recipients) {
        const found = await lists.findRecipient(r);
        if (found) posts.push(found);
        else rest.push(r);
      }
      if (posts.length === 0) return queue.enqueue(envelope, body, options);
      const id = randomBytes(6).toString('hex').toUpperCase();
      const branches = teeStream(bytes(body), posts.length + (rest.length > 0 ? 1 : 0));
      const work: Promise<string | null>[] = posts.map(async (post, i) => {
        const result = await lists.receive(post, { from: envelope.from, junk: false, qid: id }, branches[i]!);
        logger.info('list message handled', { qid: id, list: post.list.address, role: post.role, outcome: result.outcome, via: 'submission' });
        return null;
      });
      if (rest.length > 0) work.push(queue.enqueue({ from: envelope.from, recipients: rest }, branches[posts.length]!, options));
      const settled = await Promise.allSettled(work);
      const queued = settled.find((s): s is PromiseFulfilledResult<string> => s.status === 'fulfilled' && typeof s.value === 'string')?.value ?? null;
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) {
        if (queued) await queue.remove(queued).catch(() => undefined);
        const err: unknown = failed.reason;
        throw err instanceof ListRefusal ? new ForwardRefusal(err.result) : err;
      }
      return queued ?? `${LIST_ID_PREFIX}${id}`;
    },
    async remove(id) {
      if (id.startsWith(LIST_ID_PREFIX)) return;
      await queue.remove(id);
    },
  };
}

async function* bytes(body: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const c of body) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
}
