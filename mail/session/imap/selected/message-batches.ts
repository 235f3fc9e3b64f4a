// Full message rows (index included) for many UIDs, a batch at a time, so that SORT, THREAD and
// FETCH over a large folder never hold every index in memory at once nor make a store call per
// message.

import type { MailStore, StoredMessage } from '../../../store/contracts.js';

/** Rows per getMessages call: an index is a few KB, so a batch stays well under a megabyte. */
export const MESSAGE_BATCH = 100;

export async function* messageBatches(store: MailStore, userId: string, folder: string, uids: readonly number[], size = MESSAGE_BATCH): AsyncGenerator<StoredMessage[]> {
  for (let i = 0; i < uids.length; i += size) {
    yield await store.getMessages(userId, folder, uids.slice(i, i + size));
  }
}
