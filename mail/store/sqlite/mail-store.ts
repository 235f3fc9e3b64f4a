// The embedded MailStore: metadata, UIDs, flags, MODSEQ and search text in SQLite (WAL,
// synchronous=FULL), bodies in a BlobStore. Deliveries are transactions (delivery-transaction.ts)
// whose metadata is group-committed by a worker thread with its own connection to the same file
// (commit-worker-client.ts), so the main thread never waits for a delivery's SQL or fsync;
// everything else (listings, mailbox creation and deletion, and IMAP's folder, flag, copy, move
// and search operations) runs on the given handle. Change events go out through a ChangeFeed
// after the commit.
//
// Every write here is one IMMEDIATE transaction: it takes the write lock up front, so the commit
// worker's deliveries wait on busy_timeout instead of one side failing with SQLITE_BUSY halfway.
// Reads that need more than one statement to agree (a folder's counters and its messages) run
// in one deferred transaction, i.e. on one WAL snapshot.
//
// The database handle is shared with the directory and owned by the composition root, so
// close() drains pending deliveries and stops the worker but leaves the handle open.

import { Readable } from 'node:stream';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  FolderErrorCode, type BlobStore, type CopyResult, type DeliveryTransaction, type FlagOperation, type Folder, type FolderChanges,
  type FolderMessageTable, type FolderView, type MailboxChange, type MailStore, type MessageFlags, type MessageRef, type MessageSummary, type SearchCriterion,
  type SetFlagsResult, type StoredMessage, type UserId,
} from '../contracts.js';
import { MailroomError, NotFoundError } from '../../../core/errors.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { InProcessChangeFeed, type ChangeFeed } from './change-feed.js';
import { migrate, type Db } from './database.js';
import { CommitWorkerClient, type GroupCommitStats } from './commit-worker-client.js';
import type { DeliveredCopy, DeliveryJob } from './deliver-message.js';
import { StoreDeliveryTransaction } from './delivery-transaction.js';
import { jobTransfers } from './job-index.js';
import { newBlobId } from '../fs/blob-layout.js';
import { applyCopy, applyMove } from './copy-move.js';
import { applyExpunge } from './expunge-messages.js';
import { prepareExpungeStatements, type ExpungeStatements } from './expunge-statements.js';
import { applySetFlags } from './flag-operations.js';
import { fromFlagColumns } from './flag-columns.js';
import { FolderTableCache } from './folder-table-cache.js';
import { FlagSetPool, tableFromColumns, tableMessages, tableWithChanges } from './folder-table.js';
import { canonicalFlags } from './flag-set.js';
import { applyCreateFolder, applyDeleteFolder, applyRenameFolder, applySetSubscribed } from './folder-operations.js';
import { prepareFolderStatements } from './folder-statements.js';
import { MAIL_SCHEMA_STEPS } from './mail-schema.js';
import { normalizeFolderName, toFolder, toStoredMessage, toSummary, type FolderRow } from './mail-rows.js';
import { prepareMailStatements, type MailStatements } from './mail-statements.js';
import { prepareMessageStatements, type MessageStatements } from './message-statements.js';
import { registerSearchFunctions } from './search-functions.js';
import { compileSearch } from './search-query.js';
import { SearchTermBuilder } from './search-terms.js';
import { standardFoldersTransaction } from './standard-folders.js';
import { UidValidityAllocator } from './uid-validity.js';
import type { WriteContext } from './write-context.js';

export interface SqliteMailStoreOptions {
  db: Db;
  blobs: BlobStore;
  logger?: Logger;
  now?: () => Date;
  /** Defaults to in-process events; a cluster passes one that spans nodes. */
  changeFeed?: ChangeFeed;
  /** Extra wait before a group commit to gather more deliveries; 0 = next event-loop turn. */
  groupCommitWindowMs?: number;
  /** Messages of the folder tables SELECT keeps between sessions (folder-table-cache.ts). */
  maxCachedMessages?: number;
  /** The commit worker's entry; tests stand in one that crashes on cue. */
  commitWorkerUrl?: URL;
  /**
   * Small bodies go to the intake with their rows, and this store's worker moves them to their
   * files afterwards (body-spill.ts), also what an earlier run left. Needs a blob store with
   * files under `blobsDir` (the embedded one). Only the daemon turns it on: one process must do
   * the moving, and the CLI's short-lived stores must not race it. Reads look in the intake
   * either way. `quietMs`: how long deliveries must pause before bodies are moved (tests).
   */
  intake?: boolean | { quietMs: number };
}

/** A BlobStore that can list what it holds, which the orphan sweep needs. */
export interface ListableBlobStore extends BlobStore {
  list(): AsyncIterable<string>;
  modifiedAt(id: string): Promise<Date | null>;
}

function isListable(blobs: BlobStore): blobs is ListableBlobStore {
  return typeof (blobs as Partial<ListableBlobStore>).list === 'function';
}

/** SELECT's answer; the rows are made only if someone asks for them (sessions use the table). */
function folderView(folder: Folder, table: FolderMessageTable): FolderView {
  let messages: MessageFlags[] | null = null;
  return {
    folder,
    table,
    get messages(): MessageFlags[] {
      messages ??= tableMessages(table);
      return messages;
    },
  };
}

/** Blobs younger than this may belong to a delivery between its blob and SQLite commits. */
export const ORPHAN_MIN_AGE_MS = 5 * 60_000;

/** The store's commit worker thread (bundled beside this module: image/lib/bundle-app.mjs). */
const COMMIT_WORKER_URL = new URL('./commit-worker.js', import.meta.url);

export class SqliteMailStore implements MailStore {
  private readonly db: Db;
  private readonly blobs: BlobStore;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly feed: ChangeFeed;
  private readonly statements: MailStatements;
  private readonly expungeStatements: ExpungeStatements;
  private readonly messageStatements: MessageStatements;
  private readonly writes: WriteContext;
  private readonly searchTerms: SearchTermBuilder;
  private readonly commits: CommitWorkerClient<DeliveryJob, DeliveredCopy[]>;
  private readonly createStandardFoldersTx: Database.Transaction<(userId: UserId) => void>;
  private closed = false;
  private readonly folderTables: FolderTableCache;
  /** DATA/blobs when small bodies go to the intake first; null when every body is a file first. */
  private readonly intakeTo: string | null;

  constructor(options: SqliteMailStoreOptions) {
    this.db = options.db;
    this.blobs = options.blobs;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.feed = options.changeFeed ?? new InProcessChangeFeed(this.logger);
    this.folderTables = new FolderTableCache(options.maxCachedMessages);
    if (this.db.memory) throw new MailroomError('store_needs_file', 'the mail store needs a database file: its commit worker opens a second connection');
    migrate(this.db, 'mail', MAIL_SCHEMA_STEPS);
    this.statements = prepareMailStatements(this.db);
    this.expungeStatements = prepareExpungeStatements(this.db);
    this.messageStatements = prepareMessageStatements(this.db);
    this.writes = {
      mail: this.statements,
      folders: prepareFolderStatements(this.db),
      messages: this.messageStatements,
      expunge: this.expungeStatements,
      uidValidity: new UidValidityAllocator(this.db, this.now),
      now: this.now,
    };
    registerSearchFunctions(this.db);
    this.searchTerms = new SearchTermBuilder(this.db);
    this.createStandardFoldersTx = standardFoldersTransaction(this.db, this.statements, this.now);
    const blobsDir = (options.blobs as { blobsDir?: unknown }).blobsDir;
    this.intakeTo = options.intake && typeof blobsDir === 'string' ? blobsDir : null;
    const spillTo = this.intakeTo;
    const spillQuietMs = typeof options.intake === 'object' ? options.intake.quietMs : undefined;
    this.commits = new CommitWorkerClient<DeliveryJob, DeliveredCopy[]>({
      file: path.resolve(this.db.name),
      logger: this.logger,
      now: this.now,
      committedResult: (job) => this.committedCopies(job),
      windowMs: options.groupCommitWindowMs ?? 0,
      workerUrl: options.commitWorkerUrl ?? COMMIT_WORKER_URL,
      transfers: jobTransfers,
      ...(spillTo ? { workerData: { spillTo, ...(spillQuietMs !== undefined ? { spillQuietMs } : {}) } } : {}),
    });
    // Bodies a previous run left in the intake are moved by the worker; start it for them.
    if (spillTo && this.db.prepare('SELECT 1 FROM pending_bodies LIMIT 1').get() !== undefined) this.commits.start();
  }

  /** Moves every body in the intake to its file now; resolves when none is left (tests, backups). */
  async drainIntake(): Promise<void> {
    this.assertOpen();
    await this.commits.control('drain-intake');
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
      s.deleteExpungedOfUser.run(userId);
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
      inline: this.intakeTo ? { newBlobId: () => newBlobId(this.now()) } : null,
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

  async listMessageRefs(userId: UserId, folder: string): Promise<MessageRef[]> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row) return [];
    // UIDVALIDITY in the id: a folder deleted and re-created restarts UIDs, never the ids.
    return this.expungeStatements.messageRefs.all(row.id).map((m) => ({ uid: m.uid, size: m.size, blobId: m.blob_id, uniqueId: `${row.uidvalidity}.${m.uid}` }));
  }

  async expunge(userId: UserId, folder: string, uids: readonly number[]): Promise<number> {
    if (this.closed) throw new MailroomError('store_closed', 'the mail store is closed');
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row || uids.length === 0) return 0;
    // IMMEDIATE: take the write lock up front, so the commit worker's deliveries wait on
    // busy_timeout instead of one of us failing with SQLITE_BUSY halfway.
    const outcome = this.db.transaction(() => applyExpunge(this.expungeStatements, row.id, uids)).immediate();
    // After the commit (see deleteMailbox): a crash here leaves orphans for the sweep.
    for (const id of outcome.unreferencedBlobs) {
      await this.blobs.remove(id).catch((err: unknown) => this.logger.warn('could not remove blob of expunged message', { err, blobId: id }));
    }
    if (outcome.modseq !== null) this.publish({ userId, folder: row.name, kind: 'expunge', uids: outcome.removedUids, modseq: outcome.modseq });
    return outcome.removedUids.length;
  }

  async getMessage(userId: UserId, folder: string, uid: number): Promise<StoredMessage | null> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row) return null;
    const message = this.statements.message.get(row.id, uid);
    return message ? toStoredMessage(message, userId, row.name) : null;
  }

  async createFolder(userId: UserId, name: string, options: { specialUse?: string | null } = {}): Promise<Folder> {
    this.assertOpen();
    const { folder, changes } = this.db.transaction(() => applyCreateFolder(this.writes, userId, name, options.specialUse ?? null)).immediate();
    this.publishAll(changes);
    return folder;
  }

  async deleteFolder(userId: UserId, name: string): Promise<void> {
    this.assertOpen();
    const outcome = this.db.transaction(() => applyDeleteFolder(this.writes, userId, name)).immediate();
    await this.removeBlobs(outcome.unreferencedBlobs, 'could not remove blob of deleted folder');
    this.publishAll(outcome.changes);
  }

  async renameFolder(userId: UserId, from: string, to: string): Promise<void> {
    this.assertOpen();
    this.publishAll(this.db.transaction(() => applyRenameFolder(this.writes, userId, from, to)).immediate());
  }

  async setSubscribed(userId: UserId, name: string, subscribed: boolean): Promise<void> {
    this.assertOpen();
    this.publishAll(this.db.transaction(() => applySetSubscribed(this.writes, userId, name, subscribed)).immediate());
  }

  async openFolder(userId: UserId, name: string): Promise<FolderView | null> {
    return this.db.transaction((): FolderView | null => {
      const row = this.statements.folder.get(userId, normalizeFolderName(name));
      if (!row) return null;
      return folderView(toFolder(row), this.folderTable(row));
    }).deferred();
  }

  /** The folder's table as of this read transaction: cached, brought up to date, or read whole. */
  private folderTable(row: FolderRow): FolderMessageTable {
    const m = this.messageStatements;
    const cached = this.folderTables.get(row.id, row.uidvalidity);
    if (cached && cached.modseq === row.highest_modseq && cached.table.count === row.messages) return cached.table;
    let table: FolderMessageTable | null = null;
    const pool = cached && cached.modseq < row.highest_modseq ? cached.pool : new FlagSetPool();
    if (cached && cached.modseq < row.highest_modseq) {
      const changed = tableFromColumns(m.changedSince.get(row.id, cached.modseq), pool);
      table = tableWithChanges(cached.table, pool, changed, m.vanishedSince.all(row.id, cached.modseq));
      // The counters disagree only if something wrote without the MODSEQ rules: read it whole.
      if (table.count !== row.messages) table = null;
    }
    table ??= tableFromColumns(m.flagsOfFolder.get(row.id), pool);
    this.folderTables.put({ folderId: row.id, uidValidity: row.uidvalidity, modseq: row.highest_modseq, table, pool });
    return table;
  }

  async messageFlags(userId: UserId, folder: string, uids?: readonly number[]): Promise<MessageFlags[]> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row) return [];
    const m = this.messageStatements;
    if (uids === undefined) return fromFlagColumns(m.flagsOfFolder.get(row.id));
    return uids.length === 0 ? [] : fromFlagColumns(m.flagsOfUids.get(row.id, JSON.stringify(uids)));
  }

  async folderChanges(userId: UserId, folder: string, since: number): Promise<FolderChanges> {
    return this.db.transaction((): FolderChanges => {
      const row = this.folderOrThrow(userId, folder);
      return {
        changed: fromFlagColumns(this.messageStatements.changedSince.get(row.id, since)),
        vanished: this.messageStatements.vanishedSince.all(row.id, since),
        highestModseq: row.highest_modseq,
      };
    }).deferred();
  }

  async getMessages(userId: UserId, folder: string, uids: readonly number[]): Promise<StoredMessage[]> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row || uids.length === 0) return [];
    return this.messageStatements.messagesOfUids.all(row.id, JSON.stringify(uids)).map((m) => toStoredMessage(m, userId, row.name));
  }

  async setFlags(
    userId: UserId, folder: string, uids: readonly number[], operation: FlagOperation, flags: readonly string[],
    options: { unchangedSince?: number } = {},
  ): Promise<SetFlagsResult> {
    this.assertOpen();
    const requested = canonicalFlags(flags);
    const { result, changes } = this.db.transaction(() => {
      const row = this.folderOrThrow(userId, folder);
      return applySetFlags(this.writes, userId, row, uids, operation, requested, options.unchangedSince);
    }).immediate();
    this.publishAll(changes);
    return result;
  }

  async copyMessages(userId: UserId, from: string, uids: readonly number[], to: string, options: { quota?: number | null } = {}): Promise<CopyResult> {
    this.assertOpen();
    const { result, changes } = this.db.transaction(() => {
      const source = this.folderOrThrow(userId, from);
      const dest = this.folderOrThrow(userId, to);
      return applyCopy(this.writes, userId, source, dest, uids, options.quota ?? null);
    }).immediate();
    this.publishAll(changes);
    return result;
  }

  async moveMessages(userId: UserId, from: string, uids: readonly number[], to: string): Promise<CopyResult> {
    this.assertOpen();
    const { result, changes } = this.db.transaction(() => {
      const source = this.folderOrThrow(userId, from);
      const dest = this.folderOrThrow(userId, to);
      return applyMove(this.writes, userId, source, dest, uids);
    }).immediate();
    this.publishAll(changes);
    return result;
  }

  async search(userId: UserId, folder: string, criterion: SearchCriterion): Promise<number[]> {
    const row = this.statements.folder.get(userId, normalizeFolderName(folder));
    if (!row) return [];
    const { sql, params } = compileSearch(criterion, this.searchTerms);
    return this.db.prepare<unknown[], number>(sql).pluck().all(row.id, ...params);
  }

  openMessage(blobId: string, range?: { start: number; end?: number }): Readable {
    // The intake first: while a body's row exists its file may be unwritten or partial; once the
    // row is gone, the file is complete and durable (body-spill.ts).
    const pending = this.statements.pendingBody.get(blobId);
    if (pending) {
      const start = Math.max(0, range?.start ?? 0);
      const end = Math.min(pending.length, range?.end ?? pending.length);
      return Readable.from(end > start ? [pending.subarray(start, end)] : [], { objectMode: false });
    }
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

  /** Refuses new deliveries, waits for queued commits and stops the commit worker; the database handle stays open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.commits.close();
  }

  /** The copies of a delivery whose commit landed, or null; for a worker that died mid-batch. */
  private committedCopies(job: DeliveryJob): DeliveredCopy[] | null {
    const rows = this.statements.copiesOfBlob.all(job.blobId);
    if (rows.length === 0) return null;
    return rows.map((r) => ({ userId: r.user_id, folder: r.name, uid: r.uid, modseq: r.modseq }));
  }

  private publish(change: MailboxChange): void {
    this.feed.publish(change);
  }

  private publishAll(changes: readonly MailboxChange[]): void {
    for (const c of changes) this.feed.publish(c);
  }

  private assertOpen(): void {
    if (this.closed) throw new MailroomError('store_closed', 'the mail store is closed');
  }

  private folderOrThrow(userId: UserId, name: string): FolderRow {
    const row = this.statements.folder.get(userId, normalizeFolderName(name));
    if (!row) throw new NotFoundError(FolderErrorCode.notFound, `no folder ${JSON.stringify(name)}`);
    return row;
  }

  /** After the commit: a crash before these removals leaves orphans for the sweep, never a message whose body is gone. */
  private async removeBlobs(ids: readonly string[], warning: string): Promise<void> {
    for (const id of ids) {
      await this.blobs.remove(id).catch((err: unknown) => this.logger.warn(warning, { err, blobId: id }));
    }
  }
}
