// DSNs our own queue makes for a list copy: their recipient is the copy's VERP envelope sender
// (team-bounces+TAG@ one of our domains), which no mailbox takes. Instead of the directory's
// "unknown address, drop it", the list counts the bounce for the member the tag names; any
// other DSN goes on to the next hand-off.

import type { BounceHandOff } from '../queue/bounce-sender.js';
import type { ListService } from './list-service.js';

export function listBounceHandOff(lists: () => ListService | null, next: BounceHandOff): BounceHandOff {
  return async (envelope, message) => {
    const service = lists();
    const found = service ? await service.findRecipient(envelope.recipients[0]) : null;
    if (!service || !found || found.role !== 'bounces') return next(envelope, message);
    await service.receive(found, { from: '', junk: false, qid: 'dsn' }, (async function* () { yield message; })());
  };
}
