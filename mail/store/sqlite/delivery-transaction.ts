// One inbound message as a transaction (DESIGN.md boundary 3). A small body is held (at most
// INDEX_IN_WORKER_MAX_BYTES) for the commit worker to index. With the store's intake on
// (deps.inline), a body that stays that small never touches a file here: its bytes go to the
// commit worker with the metadata and are stored in the same transaction, one WAL fsync for the
// whole message, and the worker moves them to the blob file afterwards (body-spill.ts). A body
// that outgrows the hold streams into a blob file from that point (the held bytes first) and
// through the MIME indexer here, so a large message is never held in memory (job-index.ts says
// why); commit() then makes the file durable first, hands the metadata to the group-commit queue,
// and resolves only when both are on disk. If the metadata cannot be stored the file is removed.

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
  /** Small bodies go to the intake with their rows (body-spill.ts); null: every body is a file first. */
  inline: { newBlobId(): string } | null;
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
    // Without the intake the file is opened now, while the body is still arriving.
    if (!this.deps.inline) this.writer = this.deps.blobs.create();
    try {
      for await (const piece of body) {
        if (this.state !== 'writing') throw new MailroomError('delivery_aborted', 'delivery aborted while the body was streaming');
        const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        if (chunk.length === 0) continue;
        this.size += chunk.length;
        // Held for the intake while it fits; a file only once the body outgrows the hold.
        if (!this.writer && this.held!.add(chunk)) continue;
        if (!this.writer) {
          this.writer = this.deps.blobs.create();
          if (this.held!.size > 0) await this.writer.write(this.held!.contents());
        }
        this.index(chunk);
        await this.writer.write(chunk);
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
    const writer = this.writer;
    let blob: { id: string; size: number };
    try {
      // No writer: the whole body is in `content.bytes`, for the intake.
      blob = writer ? await writer.commit() : { id: this.deps.inline!.newBlobId(), size: this.size };
    } catch (err) {
      this.state = 'aborted';
      this.logger.error('could not store message body', { err });
      throw new TemporaryError('store_write_failed', 'the message could not be stored; try again later', { cause: err });
    }
    let copies: DeliveredCopy[];
    try {
      copies = await this.deps.commitMetadata({ blobId: blob.id, size: blob.size, content, ...(writer ? {} : { inline: true }), targets: this.targets, internalDate: this.deps.internalDate });
    } catch (err) {
      this.state = 'aborted';
      if (writer && !(err instanceof CommitOutcomeUnknownError)) await this.deps.blobs.remove(blob.id).catch((removeErr: unknown) => this.logger.warn('could not remove blob of failed delivery; the orphan sweep will', { err: removeErr, blobId: blob.id }));
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
