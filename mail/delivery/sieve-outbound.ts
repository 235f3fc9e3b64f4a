// Messages a Sieve run sends (a redirected copy, a vacation response, a rejection notice): to a
// local address straight into the mailbox (as bounce-hand-off does), to anyone else through the
// durable outbound queue. The envelope sender of a redirect is a seam: today the original
// sender is kept; a forwarding helper can swap in SRS (redirectEnvelopeSender).

import type { Directory, MailStore } from '../store/contracts.js';
import { beginLocalDelivery } from './local-delivery.js';
import type { OutboundQueue } from './submission-delivery.js';

export interface SieveOutboundDeps {
  directory: Directory;
  mailStore: MailStore;
  queue: OutboundQueue;
  onQueued?: () => void;
  /** The reverse-path a redirected copy goes out with; default: the original sender unchanged. */
  redirectEnvelopeSender?: (originalSender: string, redirectedBy: string) => string;
}

/** Where one generated message went. `queueId` is set when it went into the outbound queue. */
export interface SentMessage { to: string; queueId: string | null; local: boolean }

export function redirectSender(deps: SieveOutboundDeps, originalSender: string, redirectedBy: string): string {
  return deps.redirectEnvelopeSender ? deps.redirectEnvelopeSender(originalSender, redirectedBy) : originalSender;
}

/** Sends one message to one address; `local` messages get a Return-Path field first. */
export async function sendGenerated(
  deps: SieveOutboundDeps, envelope: { from: string; to: string }, body: () => AsyncIterable<Buffer>,
): Promise<SentMessage> {
  const resolution = await deps.directory.resolve(envelope.to);
  if (resolution.kind === 'mailboxes' && resolution.users.length > 0) {
    await beginLocalDelivery(deps.mailStore, resolution.users).deliver(prefixed(Buffer.from(`Return-Path: <${envelope.from}>\r\n`), body()));
    return { to: envelope.to, queueId: null, local: true };
  }
  if (resolution.kind === 'unknown') throw new Error(`no such local address ${envelope.to}`);
  const queueId = await deps.queue.enqueue({ from: envelope.from, recipients: [envelope.to] }, body());
  return { to: envelope.to, queueId, local: false };
}

async function* prefixed(prefix: Buffer, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield prefix;
  yield* body;
}
