// The outbound queue as the control API shows it: each message in the shape of
// `mailroom queue ls --json`, and a count for dashboards and alerts.

import type { QueuedMessage } from '../queue/spool.js';
import type { ControlQueueMessage, ControlQueueSummary } from './control-protocol.js';

export function queueMessageToWire(m: QueuedMessage): ControlQueueMessage {
  return {
    id: m.id, sender: m.sender, size: m.size, queuedAt: new Date(m.queuedAt).toISOString(), isBounce: m.isBounce,
    recipients: m.recipients.map((r) => ({
      address: r.address, state: r.state, attempts: r.attempts, nextAttemptAt: new Date(r.nextAttemptAt).toISOString(),
      lastReply: r.lastReply, status: r.status,
    })),
  };
}

export function summarizeQueue(messages: readonly QueuedMessage[]): ControlQueueSummary {
  let waiting = 0;
  let deferred = 0;
  let oldest: number | null = null;
  for (const m of messages) {
    for (const r of m.recipients) {
      if (r.state === 'pending' || r.state === 'deferred') waiting++;
      if (r.state === 'deferred') deferred++;
    }
    if (oldest === null || m.queuedAt < oldest) oldest = m.queuedAt;
  }
  return { messages: messages.length, waiting, deferred, oldest: oldest === null ? null : new Date(oldest).toISOString() };
}
