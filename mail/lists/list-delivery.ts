// The end of DATA for a transaction whose one recipient is a list address (list-rcpt.ts): it
// stands in for the plain local delivery (same LocalDelivery shape), so the MX's DATA handler
// keeps its one path with verification and the content checks in front. A message the checks
// file as Junk is held for the moderator instead of going to the members.

import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log.js';
import type { LocalDelivery } from '../delivery/local-delivery.js';
import type { ListRecipient, ListService } from './list-service.js';

export function beginListDelivery(lists: ListService, recipient: ListRecipient, context: { from: string; log: Logger }): LocalDelivery {
  const id = randomBytes(6).toString('hex').toUpperCase();
  let used = false;
  return {
    id,
    async abort() { /* receive() undoes its own work; nothing is open before deliver(). */ },
    async deliver(body, options = {}) {
      if (used) throw new Error(`delivery ${id} was already used`);
      used = true;
      const chunks = (async function* () {
        for await (const c of body) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
      })();
      const result = await lists.receive(recipient, { from: context.from, junk: options.folder === 'Junk', qid: id }, chunks);
      context.log.info('list message handled', { qid: id, list: recipient.list.address, role: recipient.role, outcome: result.outcome });
      return { id, size: result.size, blobId: result.blobId, delivered: [] };
    },
  };
}
