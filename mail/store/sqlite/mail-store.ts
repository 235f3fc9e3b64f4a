// The embedded MailStore: metadata, UIDs, flags, MODSEQ and search text in SQLite (WAL,
// synchronous=FULL), bodies in a BlobStore. Deliveries are transactions (delivery-transaction.ts)
// whose metadata is group-committed (group-commit-queue.ts); change events go out through a
// ChangeFeed after the commit.
//
// The database handle is shared with the directory and owned by the composition root, so
// close() drains pending deliveries but leaves the handle open.

import type { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import {
  STANDARD_FOLDERS,
  type BlobStore, type DeliveryTransaction, type Folder, type MailboxChange, type MailStore, type MessageSummary,
  type StoredMessage, type UserId,
} from '../contracts.js';
import { MailroomError } from '../../../core/errors.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { InProcessChangeFeed, type ChangeFeed } from './change-feed.js';
import { migrate, type Db } from './database.js';
import { applyDelivery, type DeliveredCopy, type DeliveryJob } from './deliver-message.js';
import { StoreDeliveryTransaction } from './delivery-transaction.js';
import { GroupCommitQueue, type GroupCommitStats } from './group-commit-queue.js';
import { MAIL_SCHEMA_STEPS } from './mail-schema.js';
import { normalizeFolderName, toFolder, toStoredMessage, toSummary } from './mail-rows.js';
import { prepareMailStatements, type MailStatements } from './mail-statements.js';
import { UidValidityAllocator } from './uid-validity.js';

export interface SqliteMailStoreOptions {
  db: Db;
  blobs: BlobStore;
  logger?: Logger;
  now?: () => Date;
  /** Defaults to in-process events; a cluster passes one that spans nodes. */
  changeFeed?: ChangeFeed;
  /** Extra wait before a group commit to gather more deliveries; 0 = next event-loop turn. */
  groupCommitWindowMs?: number;
}

/** A BlobStore that can list what it holds, which the orphan sweep needs. */
export interface ListableBlobStore extends BlobStore {
  list(): AsyncIterable<string>;
  modifiedAt(id: string): Promise<Date | null>;
}

function isListable(blobs: BlobStore): blobs is ListableBlobStore {
  return typeof (blobs as Partial<ListableBlobStore>).list === 'function';
}

/** Blobs younger than this may belong to a delivery between its blob and SQLite commits. */
export const ORPHAN_MIN_AGE_MS = 5 * 60_000;

export class SqliteMailStore implements MailStore {
  private readonly db: Db;
  private readonly blobs: BlobStore;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly feed: ChangeFeed;
  private readonly statements: MailStatements;
  private readonly uidValidity: UidValidityAllocator;
  private readonly commits: GroupCommitQueue<DeliveryJob, DeliveredCopy[]>;
  private readonly createStandardFoldersTx: Database.Transaction<(userId: UserId) => void>;
  private closed = false;

  constructor(options: SqliteMailStoreOptions) {
    this.db = options.db;
    this.blobs = options.blobs;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.feed = options.changeFeed ?? new InProcessChangeFeed(this.logger);
    migrate(this.db, 'mail', MAIL_SCHEMA_STEPS);
    this.statements = prepareMailStatements(this.db);
    this.uidValidity = new UidValidityAllocator(this.db, this.now);
    this.createStandardFoldersTx = this.db.transaction((userId: UserId) => {
      for (const f of STANDARD_FOLDERS) {
        if (this.statements.folder.get(userId, f.name)) continue;
        this.statements.insertFolder.run(userId, f.name, f.specialUse, this.uidValidity.next(), this.now().getTime());
      }
    });
    const ctx = { statements: this.statements, createStandardFolders: this.createStandardFoldersTx, now: this.now };
    this.commits = new GroupCommitQueue(this.db, (job: DeliveryJob) => applyDelivery(ctx, job), { windowMs: options.groupCommitWindowMs ?? 0 });
  }

  /** Transactions and deliveries committed so far; tests and benchmarks check batching with it. */
  get commitStats(): Readonly<GroupCommitStats> {
    return this.commits.stats;
  }

  async createMailbox(userId: UserId): Promise<void> {
    this.createStandardFoldersTx.immediate(userId);
  }

  async deleteMailbox(userId: UserId): Promise<void> {
    const s = this.statements;
    const folders = s.folders.all(userId);
    const unreferenced: string[] = [];
    this.db.transaction(() => {
      for (const ref of s.blobRefsOfUser.all(userId)) {
        const left = s.releaseBlob.get(ref.copies, ref.blob)!;
        if (left.refcount <= 0) {
          s.deleteText.run(ref.blob);
          s.deleteBlob.run(ref.blob);
          unreferenced.push(left.blob_id);
        }
      }
      s.deleteMessagesOfUser.run(userId);
      s.deleteFoldersOfUser.run(userId);
    }).immediate();
    // After the commit: a crash before these removals leaves orphans for the sweep, never a
    // message whose body is gone.
    for (const id of unreferenced) {
      await this.blobs.remove(id).catch((err: unknown) => this.logger.warn('could not remove blob of deleted mailbox', { err, blobId: id }));
    }
    for (const f of folders) this.publish({ userId, folder: f.name, kind: 'folder', uids: [], modseq: f.highest_modseq });
  }

  beginDelivery(options: { internalDate?: Date } = {}): DeliveryTransaction {
    if (this.closed) throw new MailroomError('store_closed', 'the mail store is closed');
    return new StoreDeliveryTransaction({
      blobs: this.blobs,
      logger: this.logger,
      internalDate: options.internalDate ?? this.now(),
      commitMetadata: (job) => this.commits.enqueue(job),
      published: (copies) => {
        for (const c of copies) this.publish({ userId: c.userId, folder: c.folder, kind: 'exists', uids: [c.uid], modseq: c.modseq });
      },
    });
  }

  async listFolders(userId: UserId): Promise<Folder[]> {
    return this.statements.folders.all(userId).map(toFolder);
  }

  async getFolder(userId: UserId, name: string): Promise<Folder | null> {
    const row = this.statements.folder.get(userId, normalizeFolderName(name));
    return row ? toFolder(row) : null;
  }

  async listMessages(userId: UserId, folder: string): Promise<MessageSummary[]> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row) return [];
    return this.statements.summaries.all(row.id).map((m) => toSummary(m, row.name));
  }

  async getMessage(userId: UserId, folder: string, uid: number): Promise<StoredMessage | null> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row) return null;
    const message = this.statements.message.get(row.id, uid);
    return message ? toStoredMessage(message, userId, row.name) : null;
  }

  openMessage(blobId: string, range?: { start: number; end?: number }): Readable {
    return this.blobs.open(blobId, range);
  }

  async usage(userId: UserId): Promise<{ bytes: number; messages: number }> {
    return this.statements.usage.get(userId)!;
  }

  subscribe(userId: UserId, listener: (change: MailboxChange) => void): () => void {
    return this.feed.subscribe(userId, listener);
  }

  /**
   * Removes blob files no message refers to: what a crash between a blob's commit and its
   * SQLite commit (or between a mailbox deletion and its file removals) leaves behind. Only
   * blobs older than `minAgeMs` are considered, so in-flight deliveries are never touched.
   * Call once at startup, after the store is constructed; it need not block listening, since it
   * only touches old files nothing refers to. Returns how many were removed.
   */
  async sweepOrphanBlobs(options: { minAgeMs?: number } = {}): Promise<number> {
    if (!isListable(this.blobs)) return 0;
    const before = new Date(this.now().getTime() - (options.minAgeMs ?? ORPHAN_MIN_AGE_MS));
    let removed = 0;
    for await (const id of this.blobs.list()) {
      // The database answers for almost every blob; only unreferenced ones cost a stat().
      if (this.statements.blobKnown.get(id)) continue;
      const modified = await this.blobs.modifiedAt(id);
      if (!modified || modified >= before) continue;
      // Look again: a delivery may have committed while we were awaiting.
      if (this.statements.blobKnown.get(id)) continue;
      await this.blobs.remove(id);
      removed++;
    }
    if (removed > 0) this.logger.info('removed orphan message bodies', { removed });
    return removed;
  }

  /** Refuses new deliveries and waits for queued commits; the database handle stays open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.commits.idle();
  }

  private publish(change: MailboxChange): void {
    this.feed.publish(change);
  }
}
