// Turns a spooled message's failed recipients into one DSN for its sender and hands it off
// (local delivery when the sender is ours, else back into the queue — the caller decides).
// The spool marks bounces pending in the same transaction as the failure, and only after the
// hand-off succeeds are they marked sent: a crash in between sends the DSN again rather than
// never (at-least-once, as for any delivery).

import { randomBytes } from 'node:crypto';
import { buildDsn, mayBounceTo, type DsnRecipient } from './dsn.js';
import { readHeaderBlock } from './original-headers.js';
import type { OutboundSpool, QueuedMessageInfo, QueuedRecipient } from './spool.js';

export type BounceHandOff = (envelope: { from: ''; recipients: [string] }, message: Buffer) => Promise<void>;

export interface BounceSenderOptions {
  spool: OutboundSpool;
  hostname: string;
  handOff: BounceHandOff;
  now: () => number;
}

/** Sends (or, for the null sender, drops) the pending bounce of one message. Returns whether a DSN went out. */
export async function sendPendingBounce(message: QueuedMessageInfo, recipients: QueuedRecipient[], options: BounceSenderOptions): Promise<boolean> {
  const addresses = recipients.map((r) => r.address);
  // Loop guard: never to the null sender, never for a DSN of our own (those have the null sender
  // too; the flag covers a row written before a sender check existed).
  if (!mayBounceTo(message.sender) || message.isBounce) {
    await options.spool.markBounced(message.id, addresses);
    return false;
  }
  const headers = await readHeaderBlock(options.spool.openBody(message.id));
  const dsnRecipients: DsnRecipient[] = recipients.map((r) => ({
    address: r.address,
    action: 'failed',
    status: r.status ?? '5.0.0',
    ...(r.lastReply ? { diagnostic: r.lastReply, diagnosticType: /^\d{3}[ -]/.test(r.lastReply) ? 'smtp' as const : 'x-local' as const } : {}),
    ...(r.remoteMta ? { remoteMta: r.remoteMta.replace(/\[.*\]$/, '') } : {}),
    ...(r.lastAttemptAt ? { lastAttemptAt: new Date(r.lastAttemptAt) } : {}),
  }));
  const dsn = buildDsn({
    reportingMta: options.hostname,
    originalSender: message.sender,
    queueId: message.id,
    arrivalDate: new Date(message.queuedAt),
    now: new Date(options.now()),
    recipients: dsnRecipients,
    originalHeaders: headers,
    messageId: `${randomBytes(12).toString('hex')}@${options.hostname}`,
    boundary: `=_mailroom_dsn_${randomBytes(12).toString('hex')}`,
  });
  await options.handOff(dsn.envelope, dsn.message);
  await options.spool.markBounced(message.id, addresses);
  return true;
}
