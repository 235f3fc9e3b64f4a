// Where a delivery's MIME index is made. The indexer (mail/protocol/mime/message-indexer.ts) is
// per-message work that does not have to happen on the main thread: for a small body the
// delivery keeps the bytes (held-body.ts) and the commit worker indexes them just before its
// transaction, on its own thread. The main thread then sends one flat buffer instead of a
// structured clone of the index's many small objects, and spends nothing on the parse. That
// thread is what bounds how many SMTP connections a second the daemon serves; the worker has
// time to spare between its fsyncs.
//
// A body larger than the hold is indexed as it streams, as before, so memory stays bounded.

import { createMessageIndexer } from '../../protocol/mime/message-indexer.js';
import type { MessageIndex } from '../contracts.js';
import type { DeliveryJob, IndexedDeliveryJob } from './deliver-message.js';

/** Bodies up to this size are indexed by the commit worker (the blob writer's one-write size too). */
export const INDEX_IN_WORKER_MAX_BYTES = 64 * 1024;

export function indexBytes(bytes: Uint8Array): MessageIndex {
  const indexer = createMessageIndexer();
  if (bytes.length > 0) indexer.feed(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return indexer.finish();
}

export function indexedJob(job: DeliveryJob): IndexedDeliveryJob {
  const { content, inline, ...rest } = job;
  if ('index' in content) return { ...rest, index: content.index };
  return { ...rest, index: indexBytes(content.bytes), ...(inline ? { inlineBody: content.bytes } : {}) };
}

/** The buffers a job can hand over to the worker instead of copying (postMessage's transfer list). */
export function jobTransfers(job: DeliveryJob): ArrayBuffer[] {
  if (!('bytes' in job.content)) return [];
  const { buffer } = job.content.bytes;
  return buffer instanceof ArrayBuffer && buffer.byteLength > 0 ? [buffer] : [];
}
