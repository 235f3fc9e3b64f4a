// The end of DATA for a transaction where some recipient forwards (mail/delivery/forward-plan.ts
// decided which at RCPT). It stands in for the plain local delivery (same LocalDelivery shape,
// so the MX's DATA handler keeps one path): the message's head is read first to look for a
// loop, then the body streams once into the local mailboxes and the outbound spool together,
// and the 250 goes out only when both are durable (as submission does it: the spool entry is
// removed again if the local commit fails).
//
// - Spam (the checks filed it as Junk: rspamd's add header / rewrite subject, or DMARC
//   quarantine) is never forwarded: sending it on would make us the spammer in the eyes of the
//   far end. It goes to the local mailboxes, and a user who forwards without a copy gets it in
//   Junk (fallbackUsers). A forwarder with no mailbox at all refuses it (550 5.7.1), in session,
//   so nothing is lost silently.
// - A loop (our trace field names one of this message's forwarders already, or too many
//   Received fields) stops the forwarding: the message is kept in the local mailboxes or the
//   fallback ones; a forwarder with no mailbox refuses it with 554 5.4.6, so the sender hears of
//   it once instead of the message going round until some queue gives up.
// - The envelope sender is rewritten with SRS (null stays null), so SPF passes at the far end
//   for our domain, and bounces come back to us to be reversed (forward-bounce.ts).
// - Forwarded copies are not signed with our DKIM keys: the From domain is not ours, so our
//   signature could never align for DMARC, while the sender's own signature survives because we
//   only add trace fields on top. (ARC sealing is out of scope.)

import { randomBytes } from 'node:crypto';
import { MailroomError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { CheckResult } from '../pipeline/contracts.js';
import type { DeliveryReceipt, Directory, ForwardStore, MailStore, User } from '../store/contracts.js';
import { srsForward, type SrsOptions } from '../srs/srs-codec.js';
import type { LocalDelivery } from './local-delivery.js';
import { openForwardTransaction } from './forward-transaction.js';
import type { OutboundQueue } from './submission-delivery.js';
import type { RecipientForward } from './forward-plan.js';
import { detectLoop, dropLeadingReturnPath, parseTrace, readHead, traceFields } from './forward-trace.js';
import { teeStream } from './tee-stream.js';

/** What forwarding needs, built by the composition root (mail/main.ts). */
export interface Forwarding {
  srs: SrsOptions;
  forwards: Pick<ForwardStore, 'getForward'>;
  directory: Pick<Directory, 'isLocalDomain' | 'resolve'>;
  mailStore: MailStore;
  queue: OutboundQueue;
  /** Tells the queue runner there is something to send. */
  onQueued: () => void;
  now: () => Date;
}

/** The part of the session deps (SmtpSessionDeps.forwarding) the composition root fills in. */
export interface ForwardingSessionDeps {
  forwarding?: Forwarding | null;
}

/** The message is refused at the end of DATA because of forwarding; `result` words the reply. */
export class ForwardRefusal extends MailroomError {
  constructor(readonly result: Extract<CheckResult, { action: 'reject' }>) {
    super(`forward_${result.reason}`, result.message);
  }
}

export function beginForwardingDelivery(
  f: Forwarding, users: readonly User[], plan: RecipientForward, context: { from: string; log: Logger },
): LocalDelivery {
  const handOff = openForwardTransaction(f.mailStore, users, plan, () => randomBytes(6).toString('hex').toUpperCase());
  const { local, fallback, tx, id, abort } = handOff;
  const log = context.log;

  return {
    id,
    abort,
    async deliver(body, options = {}) {
      handOff.assertOpen('delivery');
      const folder = options.folder;
      const { head, rest } = await readHead(body);
      let forward = plan.targets.length > 0;
      let why: 'spam' | 'loop' | null = null;
      let detail = '';
      if (forward && folder === 'Junk') { forward = false; why = 'spam'; }
      if (forward) {
        const loop = detectLoop(parseTrace(head.toString('latin1')), plan.forwarders);
        if (loop.loop) { forward = false; why = 'loop'; detail = loop.why; }
      }
      const mailboxes = forward ? local : [...local, ...fallback];
      if (!forward && why) {
        const fields = { qid: id, forwarders: plan.forwarders, targets: plan.targets, reason: why, ...(detail ? { detail } : {}) };
        if (mailboxes.length === 0) {
          log.warn(why === 'loop' ? 'forwarding loop detected; refused' : 'spam not forwarded; refused', { ...fields, outcome: 'refused' });
          throw new ForwardRefusal(why === 'loop'
            ? { action: 'reject', code: 554, enhanced: '5.4.6', message: `Forwarding loop detected (${detail}); message not forwarded`, reason: 'loop' }
            : { action: 'reject', code: 550, enhanced: '5.7.1', message: 'Message classified as spam; it is not forwarded', reason: 'spam' });
        }
        log.warn(why === 'loop' ? 'forwarding loop detected; kept locally' : 'spam not forwarded; kept locally', { ...fields, mailboxes: mailboxes.length, outcome: 'kept' });
      }

      const whole = prefixed(head, rest);
      let sender = '';
      if (forward) {
        try {
          sender = srsForward(context.from, f.srs, f.now());
        } catch {
          // MAIL FROM without a domain (smtp-server lets <postmaster> through): no return path we could write.
          log.warn('sender cannot be rewritten for forwarding; sent with the null sender', { qid: id, from: context.from });
        }
      }
      try {
        if (!forward) {
          if (mailboxes.length === 0) throw new Error(`delivery ${id} has neither a mailbox nor a target`);
          const receipt = await commitLocal(whole, mailboxes, folder);
          handOff.done();
          return receipt;
        }
        const [toLocal, toQueue] = mailboxes.length > 0 ? teeStream(whole, 2) : [null, whole];
        const forwardedBody = forwardCopy(toQueue!, plan.forwarders);
        let size = 0;
        const counted = counting(forwardedBody, (n) => { size += n; });
        const [l, q] = await Promise.allSettled([
          toLocal ? writeLocal(toLocal, mailboxes, folder) : Promise.resolve(null),
          f.queue.enqueue({ from: sender, recipients: [...plan.targets] }, counted),
        ]);
        const queueId = q.status === 'fulfilled' ? q.value : null;
        const undoQueue = async () => { if (queueId) await f.queue.remove(queueId).catch(() => undefined); };
        if (l.status === 'rejected' || q.status === 'rejected') {
          await undoQueue();
          throw l.status === 'rejected' ? l.reason : (q as PromiseRejectedResult).reason;
        }
        let receipt: DeliveryReceipt;
        try {
          receipt = tx && mailboxes.length > 0 ? await tx.commit() : { id, size, blobId: '', delivered: [] };
          if (mailboxes.length === 0) await tx?.abort();
        } catch (err) {
          await undoQueue();
          throw err;
        }
        handOff.done();
        log.info('forwarded', { qid: id, queueId, from: sender, targets: plan.targets, forwarders: plan.forwarders, mailboxes: mailboxes.length, outcome: 'queued' });
        f.onQueued();
        return receipt;
      } catch (err) {
        await abort();
        throw err;
      }
    },
  };

  async function writeLocal(source: AsyncIterable<Buffer>, mailboxes: readonly User[], folder: string | undefined): Promise<void> {
    for (const user of mailboxes) tx!.addRecipient(folder ? { userId: user.id, folder } : { userId: user.id });
    await tx!.writeBody(source);
  }

  async function commitLocal(source: AsyncIterable<Buffer>, mailboxes: readonly User[], folder: string | undefined): Promise<DeliveryReceipt> {
    await writeLocal(source, mailboxes, folder);
    return tx!.commit();
  }
}

export async function* prefixed(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  yield* rest;
}

/** The copy that goes on: our trace fields on top, no Return-Path. */
export async function* forwardCopy(source: AsyncIterable<Buffer>, forwarders: readonly string[]): AsyncGenerator<Buffer> {
  let first = true;
  const trace = traceFields(forwarders);
  if (trace) yield Buffer.from(trace, 'latin1');
  for await (const chunk of source) {
    // The head was read whole before the tee, so its first chunk is all of it.
    yield first ? dropLeadingReturnPath(chunk) : chunk;
    first = false;
  }
}

async function* counting(source: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) { add(chunk.length); yield chunk; }
}
