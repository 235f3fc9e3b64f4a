// One inbound message as a transaction (DESIGN.md boundary 3). The body streams once into a blob
// file. A small body is also held (at most INDEX_IN_WORKER_MAX_BYTES) for the commit worker to
// index; one that outgrows that goes through the MIME indexer here as it streams, so a large
// message is never held in memory (job-index.ts says why). commit() makes the blob durable
// first, then hands the metadata to the group-commit queue, and resolves only when both are on
// disk. If the metadata cannot be stored the blob is removed again.

import { randomBytes } from 'node:crypto';
import type { BlobStore, BlobWriter, DeliveryReceipt, DeliveryTarget, DeliveryTransaction } from '../contracts.js';
import { InputError, MailroomError, TemporaryError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { createMessageIndexer, type MessageIndexer } from '../../protocol/mime/message-indexer.js';
import type { DeliveredCopy, DeliveryJob } from './deliver-message.js';
import { HeldBody } from './held-body.js';
import { INDEX_IN_WORKER_MAX_BYTES } from './job-index.js';

/**
 * commitMetadata() cannot tell whether the metadata was stored. The delivery still fails (the
 * client retries; a duplicate beats a loss) but its blob stays, since an index entry may refer to
 * it; the orphan sweep removes it later if none does.
 */
export class CommitOutcomeUnknownError extends TemporaryError {}

export interface DeliveryDeps {
  blobs: BlobStore;
  logger: Logger;
  internalDate: Date;
  /** Stores the metadata; resolves when it is durable. */
  commitMetadata(job: DeliveryJob): Promise<DeliveredCopy[]>;
  /** Told about every committed copy, after the commit. */
  published(copies: DeliveredCopy[]): void;
}

type State = 'open' | 'writing' | 'written' | 'committing' | 'committed' | 'aborted';

/** Queue ids: short, unambiguous in logs and in "250 2.0.0 Ok: queued as ...". */
function newQueueId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export class StoreDeliveryTransaction implements DeliveryTransaction {
  readonly id = newQueueId();
  private readonly targets: DeliveryTarget[] = [];
  /** The body's bytes for the worker's indexer, while it is small; null once it outgrew the hold. */
  private held: HeldBody | null = new HeldBody(INDEX_IN_WORKER_MAX_BYTES);
  /** The indexer that took over from the hold (a large body). */
  private indexer: MessageIndexer | null = null;
  private writer: BlobWriter | null = null;
  private size = 0;
  private state: State = 'open';
  private readonly logger: Logger;

  constructor(private readonly deps: DeliveryDeps) {
    this.logger = deps.logger.child({ qid: this.id });
  }

  addRecipient(target: DeliveryTarget): void {
    if (this.state === 'committing' || this.state === 'committed' || this.state === 'aborted') {
      throw new InputError('delivery_closed', 'recipients cannot be added after commit or abort');
    }
    this.targets.push(target);
  }

  async writeBody(body: AsyncIterable<Buffer | string>): Promise<{ size: number }> {
    if (this.state !== 'open') throw new InputError('delivery_body_written', 'the body of a delivery is written once');
    this.state = 'writing';
    const writer = this.deps.blobs.create();
    this.writer = writer;
    try {
      for await (const piece of body) {
        if (this.state !== 'writing') throw new MailroomError('delivery_aborted', 'delivery aborted while the body was streaming');
        const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        if (chunk.length === 0) continue;
        this.index(chunk);
        await writer.write(chunk);
        this.size += chunk.length;
      }
    } catch (err) {
      await this.abort();
      throw err;
    }
    this.state = 'written';
    return { size: this.size };
  }

  async commit(): Promise<DeliveryReceipt> {
    if (this.state !== 'written') throw new InputError('delivery_not_ready', `cannot commit a delivery that is ${this.state}`);
    if (this.targets.length === 0) throw new InputError('delivery_no_recipients', 'a delivery needs at least one recipient');
    this.state = 'committing';
    const content: DeliveryJob['content'] = this.indexer ? { index: this.indexer.finish() } : { bytes: this.held!.take() };
    this.held = null;
    let blob: { id: string; size: number };
    try {
      blob = await this.writer!.commit();
    } catch (err) {
      this.state = 'aborted';
      this.logger.error('could not store message body', { err });
      throw new TemporaryError('store_write_failed', 'the message could not be stored; try again later', { cause: err });
    }
    let copies: DeliveredCopy[];
    try {
      copies = await this.deps.commitMetadata({ blobId: blob.id, size: blob.size, content, targets: this.targets, internalDate: this.deps.internalDate });
    } catch (err) {
      this.state = 'aborted';
      if (!(err instanceof CommitOutcomeUnknownError)) await this.deps.blobs.remove(blob.id).catch((removeErr: unknown) => this.logger.warn('could not remove blob of failed delivery; the orphan sweep will', { err: removeErr, blobId: blob.id }));
      this.logger.error('could not store message metadata', { err });
      throw new TemporaryError('store_index_failed', 'the message could not be stored; try again later', { cause: err });
    }
    this.state = 'committed';
    this.deps.published(copies);
    return {
      id: this.id,
      size: blob.size,
      blobId: blob.id,
      delivered: copies.map((c) => ({ userId: c.userId, folder: c.folder, uid: c.uid })),
    };
  }

  private index(chunk: Buffer): void {
    if (this.indexer) {
      this.indexer.feed(chunk);
      return;
    }
    if (this.held!.add(chunk)) return;
    // Too large to hold: index here from now on, starting with what was held.
    const indexer = createMessageIndexer();
    if (this.held!.size > 0) indexer.feed(this.held!.contents());
    indexer.feed(chunk);
    this.indexer = indexer;
    this.held = null;
  }

  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'committing') {
      throw new InputError('delivery_committed', 'a committed delivery cannot be aborted');
    }
    if (this.state === 'aborted') return;
    this.state = 'aborted';
    await this.writer?.abort();
  }
}
