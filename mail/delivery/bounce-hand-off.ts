// Where the queue's DSNs go: into the sender's mailbox when the sender is one of ours (no SMTP
// round trip to ourselves), else back into the spool as a bounce (null sender, flagged, so it can
// never bounce again).

import type { BounceHandOff } from '../queue/bounce-sender.js';
import type { Directory, MailStore } from '../store/contracts.js';
import { beginLocalDelivery } from './local-delivery.js';
import type { OutboundQueue } from './submission-delivery.js';

export function createBounceHandOff(deps: { directory: Directory; mailStore: MailStore; queue: OutboundQueue; onQueued?: () => void }): BounceHandOff {
  return async (envelope, message) => {
    const to = envelope.recipients[0];
    const resolution = await deps.directory.resolve(to);
    if (resolution.kind === 'mailboxes' && resolution.users.length > 0) {
      const returnPath = Buffer.from('Return-Path: <>\r\n');
      await beginLocalDelivery(deps.mailStore, resolution.users).deliver(chunks(returnPath, message));
      return;
    }
    // An unknown address of our own domain cannot take a bounce either; the spool would only
    // bounce it back to the null sender, which is dropped. Drop it here.
    if (resolution.kind === 'unknown') return;
    await deps.queue.enqueue(envelope, chunks(message), { isBounce: true });
    deps.onQueued?.();
  };
}

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}
