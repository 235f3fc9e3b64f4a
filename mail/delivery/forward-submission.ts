// Forwarders on the submission path: a local user writes to a local address that forwards
// (bob@ forwards to bob@far.test). The same rules as on the MX (forward-plan.ts decides, per
// recipient, who keeps a copy and which targets get one), but the hand-off is submission's: the
// message is acknowledged only when every part is durable, and any part that fails undoes the
// others (the store transaction aborted, spool entries removed), as submission-delivery.ts does
// for a message without forwards. The body streams once into up to three places at the same
// time: the local mailboxes, the spool entry of the foreign recipients (sent as written), and
// the spool entry of the forward targets (our trace field on top, no Return-Path).
//
// The envelope sender of the forwarded copy is not rewritten with SRS when it belongs to one of
// our domains, which on submission it always does (sender-ownership.ts): our own SPF already
// covers it, as for any other mail our users send out, and a bounce then comes straight back
// to the sender (postsrsd keeps local domains out of rewriting for the same reason). Only a
// sender outside our domains (not possible today) would get an SRS address.
//
// No spam rule here (the sender is our authenticated user and submission runs no content
// checks); the loop rule is the MX's: a message that already carries our trace field for one
// of its forwarders is not forwarded again, it lands in the mailboxes that would have had it.

import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log.js';
import type { User } from '../store/contracts.js';
import { srsForward } from '../srs/srs-codec.js';
import { forwardCopy, ForwardRefusal, prefixed, type Forwarding } from './forward-delivery.js';
import { mergeForwards, planForwardRecipient, type RecipientForward } from './forward-plan.js';
import { detectLoop, parseTrace, readHead } from './forward-trace.js';
import { openForwardTransaction } from './forward-transaction.js';
import type { SubmissionDelivery } from './submission-delivery.js';
import { teeStream } from './tee-stream.js';

export interface SubmissionRecipients {
  /** Mailboxes of recipients that do not forward (aliases expanded). */
  local: User[];
  /** Recipients in other domains. */
  foreign: string[];
  /** What the recipients that forward add, or null when none does. */
  forward: RecipientForward | null;
}

/**
 * Splits a submission's accepted recipients (address -> mailboxes; none for a foreign one) into
 * plain local mailboxes, foreign addresses and the merged forward of those that forward.
 */
export async function planSubmissionRecipients(f: Forwarding | null, recipients: ReadonlyMap<string, readonly User[]>): Promise<SubmissionRecipients> {
  const local: User[] = [];
  const foreign: string[] = [];
  const forwards: RecipientForward[] = [];
  for (const [address, users] of recipients) {
    if (users.length === 0) { foreign.push(address); continue; }
    const planned = f ? await planForwardRecipient(f.forwards, address, { kind: 'mailboxes', users: [...users] }) : null;
    if (planned?.kind === 'accept') forwards.push(planned.forward);
    else local.push(...users);
  }
  return { local, foreign, forward: forwards.length > 0 ? mergeForwards(forwards) : null };
}

export function beginForwardingSubmission(
  f: Forwarding, route: { from: string; local: readonly User[]; foreign: readonly string[]; forward: RecipientForward }, log: Logger,
): SubmissionDelivery {
  const plan = route.forward;
  const handOff = openForwardTransaction(f.mailStore, route.local, plan, () => randomBytes(8).toString('hex'));
  const { local, fallback, tx, id, abort } = handOff;

  return {
    id,
    abort,
    async deliver(body, options = {}) {
      handOff.assertOpen('submission');
      const queued: string[] = [];
      const undoQueue = async () => { for (const q of queued) await f.queue.remove(q).catch(() => undefined); };
      try {
        const { head, rest } = await readHead(body);
        const loop = plan.targets.length > 0 ? detectLoop(parseTrace(head.toString('latin1')), plan.forwarders) : { loop: false as const };
        const forward = plan.targets.length > 0 && !loop.loop;
        const mailboxes = forward ? local : [...local, ...fallback];
        if (loop.loop) {
          const fields = { qid: id, forwarders: plan.forwarders, targets: plan.targets, reason: 'loop', detail: loop.why };
          if (mailboxes.length === 0 && route.foreign.length === 0) {
            log.warn('forwarding loop detected; refused', { ...fields, outcome: 'refused' });
            throw new ForwardRefusal({ action: 'reject', code: 554, enhanced: '5.4.6', message: `Forwarding loop detected (${loop.why}); message not forwarded`, reason: 'loop' });
          }
          log.warn('forwarding loop detected; kept locally', { ...fields, mailboxes: mailboxes.length, outcome: 'kept' });
        }
        const sender = forward ? await forwardSender(f, route.from, id, log) : '';

        // One branch per destination, all fed from the one stream.
        const parts: ((branch: AsyncIterable<Buffer>) => Promise<unknown>)[] = [];
        if (tx && mailboxes.length > 0) {
          parts.push((branch) => {
            for (const user of mailboxes) tx.addRecipient({ userId: user.id });
            return tx.writeBody(options.localPrefix?.length ? prefixed(options.localPrefix, branch) : branch);
          });
        }
        if (route.foreign.length > 0) {
          parts.push(async (branch) => { queued.push(await f.queue.enqueue({ from: route.from, recipients: [...route.foreign] }, branch)); });
        }
        if (forward) {
          parts.push(async (branch) => { queued.push(await f.queue.enqueue({ from: sender, recipients: [...plan.targets] }, forwardCopy(branch, plan.forwarders))); });
        }
        if (parts.length === 0) throw new Error(`submission ${id} has neither a mailbox nor a target`);
        const whole = prefixed(head, rest);
        const branches = parts.length > 1 ? teeStream(whole, parts.length) : [whole];
        const settled = await Promise.allSettled(parts.map((part, i) => part(branches[i]!)));
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed) throw failed.reason;
        if (tx && mailboxes.length > 0) await tx.commit();
        else await tx?.abort();
        handOff.done();
        if (forward) log.info('forwarded', { qid: id, queueIds: queued, from: sender, targets: plan.targets, forwarders: plan.forwarders, mailboxes: mailboxes.length, outcome: 'queued' });
        return { queueId: queued.length > 0 ? queued.join(',') : null, mailboxes: mailboxes.length };
      } catch (err) {
        await undoQueue();
        await abort();
        throw err;
      }
    },
  };
}

/** Our users' own addresses go out as they are; anything else gets an SRS address. */
async function forwardSender(f: Forwarding, from: string, id: string, log: Logger): Promise<string> {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  if (from === '' || (from.includes('@') && await f.directory.isLocalDomain(domain))) return from;
  try {
    return srsForward(from, f.srs, f.now());
  } catch {
    log.warn('sender cannot be rewritten for forwarding; sent with the null sender', { qid: id, from });
    return '';
  }
}
