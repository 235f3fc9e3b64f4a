// DSNs our own queue makes for forwarded mail are addressed to the SRS sender we wrote. Before
// the usual hand-off (local mailbox or back into the spool) the SRS address is turned back into
// the sender it stands for, so the bounce does not take a trip out to our own MX and back. One
// that does not verify (cannot happen for addresses we wrote, unless the key changed) is dropped
// with a log line: the null sender of a DSN leaves nobody else to tell.

import type { Logger } from '../../core/log.js';
import type { BounceHandOff } from '../queue/bounce-sender.js';
import { isOurSrsAddress, srsReverse, type SrsOptions } from '../srs/srs-codec.js';
import type { OutboundQueue } from './submission-delivery.js';

export interface SrsBounceDeps {
  srs: SrsOptions;
  now: () => Date;
  logger: Logger;
  queue: OutboundQueue;
  onQueued: () => void;
}

export function srsReversingBounceHandOff(deps: SrsBounceDeps, next: BounceHandOff): BounceHandOff {
  return async (envelope, message) => {
    const to = envelope.recipients[0];
    if (!isOurSrsAddress(to, deps.srs)) return next(envelope, message);
    const result = srsReverse(to, deps.srs, deps.now());
    if (!result.ok) {
      deps.logger.warn('bounce to an SRS address that does not verify; dropped', { rcpt: to, reason: result.reason, outcome: 'dropped' });
      return;
    }
    deps.logger.info('bounce to an SRS address sent back to the original sender', { rcpt: to, original: result.address, outcome: 'reversed' });
    if (result.kind === 'SRS1') {
      // The SRS0 address of the forwarder before us: never one of our mailboxes, and its local
      // part may be longer than the directory accepts. Straight into the spool.
      await deps.queue.enqueue({ from: '', recipients: [result.address] }, once(message), { isBounce: true });
      deps.onQueued();
      return;
    }
    return next({ from: '', recipients: [result.address] }, message);
  };
}

async function* once(message: Buffer): AsyncGenerator<Buffer> {
  yield message;
}
