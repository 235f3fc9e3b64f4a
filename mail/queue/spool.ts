// The durable outbound spool. enqueue() resolves only when the body is durable (a small one in
// the same transaction as the rows; a file after the fsync of file and directory, in
// DATA/queue) and the message's rows are committed
// (WAL, synchronous=FULL, shared commits through TransactionBatcher). Order matters: file first,
// rows second, so a crash leaves at worst an unreferenced file (swept at open), never a row
// pointing at nothing; the rows of one message go in one transaction, so a message is either
// wholly queued or not at all.
//
// A recipient marked delivered is never selected again. The one window left is between the remote
// server's 250 and our commit of "delivered" (RFC 1047): a crash there sends that copy again,
// which is the accepted trade-off in every MTA; the commit follows the reply immediately.
//
// Writes are committed by the spool's commit worker (spool-committer.ts): a thread with its own
// connection, group-committing the writes of every session at once, so the WAL fsync never
// blocks the main thread. Reads stay on the main thread's connection; WAL shows them every
// committed write, and a write's promise resolves only after its commit.
//
// The runner reads the spool after every enqueue and every finished attempt, so the hot
// statements are prepared once, and due() answers with one query bounded by what can start.
// It usually starts a message the moment it is queued, so the bytes of recently queued small
// messages are kept in memory (BodyCache) and the first attempt does not read the file back.
//
// With the commit worker a small body (up to inlineBodyBytes) has no file at all: it goes in
// queue_bodies, in the same transaction as its rows, so one WAL fsync makes the whole message
// durable and its removal is a row delete in the commit that records the delivery. Larger bodies
// keep the file, written and fsynced before the rows as above.

import { Readable } from 'node:stream';
import { InputError, NotFoundError } from '../../core/errors.js';
import { normalizeAddress } from '../../core/address.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { FsBlobStore } from '../store/fs/blob-store.js';
import { migrate, type Db } from '../store/sqlite/database.js';
import { QUEUE_SCHEMA_STEPS } from './spool-schema.js';
import { mainThreadCommitter, workerCommitter, type SpoolCommitter } from './spool-committer.js';
import type { RecipientUpdate, SpoolBodyFile, SpoolWrite } from './spool-writes.js';
import { locateBlob, newBlobId } from '../store/fs/blob-layout.js';
import type { BlobWriter } from '../store/contracts.js';

export type RecipientState = 'pending' | 'deferred' | 'delivered' | 'failed';

export interface QueueEnvelope {
  /** Envelope sender; '' is the null sender (bounces). */
  from: string;
  recipients: string[];
}

export interface QueuedRecipient {
  address: string;
  domain: string;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastReply: string | null;
  /** Enhanced status code of the last outcome, e.g. 4.4.1. */
  status: string | null;
  remoteMta: string | null;
  bounce: 'none' | 'pending' | 'sent';
}

export interface QueuedMessage {
  id: string;
  sender: string;
  size: number;
  queuedAt: number;
  isBounce: boolean;
  recipients: QueuedRecipient[];
}

/** A queued message without its recipients: what an attempt or a bounce needs to know of it. */
export type QueuedMessageInfo = Omit<QueuedMessage, 'recipients'>;

/** Recipients of one message that are due, as due() returns them. */
export interface DueGroup {
  message: QueuedMessageInfo;
  recipients: QueuedRecipient[];
}

export interface DueQuery {
  /** At most this many recipient rows (the runner asks for about what it can start). */
  limit?: number;
  /** Domains whose destination has no free slot: their recipients are left out. */
  skipDomains?: Iterable<string>;
  /** `messageId/domain` pairs with an attempt running: left out, they cannot start twice. */
  skipGroups?: Iterable<string>;
}

/** The key due() uses in skipGroups for the recipients of `domain` in message `messageId`. */
export function dueGroupKey(messageId: string, domain: string): string {
  return `${messageId}/${domain}`;
}

export type { RecipientUpdate } from './spool-writes.js';

export interface OutboundSpoolOptions {
  db: Db;
  /** The spool directory (DATA/queue); bodies go to DIR/blobs, partial writes to DIR/tmp. */
  spoolDir: string;
  now?: () => number;
  logger?: Logger;
  /**
   * Commit writes on the commit worker thread (default: yes when the database is a file; an
   * in-memory database cannot be shared with a thread). false: on the main thread.
   */
  commitWorker?: boolean;
  /** The commit worker's entry (tests stand in one that crashes on cue). */
  commitWorkerUrl?: URL;
  /** Batches sent to the commit worker and not yet answered, at most (spool-committer.ts; default 1). */
  commitBatchesInFlight?: number;
  /** Bytes of recently queued bodies kept in memory for their first attempt (default 16 MiB; 0: none). */
  bodyCacheBytes?: number;
  /**
   * Bodies up to this size go in the database with their rows (queue_bodies), not in a file
   * (default 64 KiB; 0: every body in a file). Only with the commit worker.
   */
  inlineBodyBytes?: number;
}

export interface EnqueueOptions {
  /** A DSN produced by this queue; recorded so `queue ls` can tell them apart. */
  isBounce?: boolean;
}

/** Bodies larger than this are never kept in memory: they stream to their file, and from it. */
const MAX_KEPT_BODY = 256 * 1024;
const DEFAULT_BODY_CACHE_BYTES = 16 * 1024 * 1024;
/**
 * A body this small costs less in the WAL than in a file of its own: the file needed an fsync,
 * its directory's fsync, then the rows' commit (the 250 waited for two disk waits in a row, and
 * for the unlink's journal work after delivery); in the database one commit covers both. Past
 * it the bytes would only grow the WAL, and a file streams without being whole in memory.
 */
const DEFAULT_INLINE_BODY_BYTES = 64 * 1024;

/** Unreferenced bodies younger than this may be an enqueue in progress in another process. */
const ORPHAN_GRACE_MS = 10 * 60_000;

interface RecipientRow {
  message_id: string; address: string; domain: string; state: RecipientState; attempts: number; next_attempt_at: number;
  last_attempt_at: number | null; last_reply: string | null; status: string | null; remote_mta: string | null; bounce: 'none' | 'pending' | 'sent';
}
interface MessageRow { id: string; sender: string; size: number; queued_at: number; is_bounce: number }
type DueRow = RecipientRow & { sender: string; size: number; queued_at: number; is_bounce: number };

const OPEN_STATES = "('pending', 'deferred')";

/** The statements every enqueue, tick and attempt runs, prepared once per spool. */
function prepareStatements(db: Db) {
  return {
    message: db.prepare('SELECT * FROM queue_messages WHERE id = ?'),
    recipients: db.prepare('SELECT * FROM queue_recipients WHERE message_id = ? ORDER BY rowid'),
    // Walks the partial due index in (next_attempt_at, rowid) order, so the recipients of one
    // message come together, and stops after LIMIT rows: the cost follows what the runner can
    // start, not the backlog. The skip lists are JSON arrays (small: bounded by the limits).
    due: db.prepare(`SELECT r.*, m.sender, m.size, m.queued_at, m.is_bounce
      FROM queue_recipients r INDEXED BY queue_recipients_due JOIN queue_messages m ON m.id = r.message_id
      WHERE r.state IN ${OPEN_STATES} AND r.next_attempt_at <= ?
        AND r.domain NOT IN (SELECT value FROM json_each(?))
        AND (r.message_id || '/' || r.domain) NOT IN (SELECT value FROM json_each(?))
      ORDER BY r.next_attempt_at, r.rowid LIMIT ?`),
    inlineBody: db.prepare('SELECT body FROM queue_bodies WHERE message_id = ?').pluck(),
    nextDueAt: db.prepare(`SELECT MIN(next_attempt_at) AS at FROM queue_recipients WHERE state IN ${OPEN_STATES}`),
    bouncePending: db.prepare("SELECT DISTINCT message_id FROM queue_recipients WHERE bounce = 'pending'"),
  };
}

export class OutboundSpool {
  private readonly committer: SpoolCommitter;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly bodies: BodyCache;
  private readonly inlineBodyBytes: number;
  /** Queued messages whose body this process put in queue_bodies: they have no file to remove. */
  private readonly inlineIds = new Set<string>();

  private constructor(private readonly db: Db, readonly blobs: FsBlobStore, options: OutboundSpoolOptions) {
    const useWorker = options.commitWorker ?? (!db.memory && db.name !== '' && db.name !== ':memory:');
    this.committer = useWorker
      ? workerCommitter(db, {
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.commitWorkerUrl ? { workerUrl: options.commitWorkerUrl } : {}),
        ...(options.commitBatchesInFlight ? { batchesInFlight: options.commitBatchesInFlight } : {}),
      })
      : mainThreadCommitter(db);
    this.sql = prepareStatements(db);
    this.bodies = new BodyCache(options.bodyCacheBytes ?? DEFAULT_BODY_CACHE_BYTES);
    this.inlineBodyBytes = Math.min(options.inlineBodyBytes ?? DEFAULT_INLINE_BODY_BYTES, MAX_KEPT_BODY);
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
  }

  /** The spool's tables in the shared database (open() does it too). */
  static migrate(db: Db): void {
    migrate(db, 'queue', QUEUE_SCHEMA_STEPS);
  }

  static async open(options: OutboundSpoolOptions): Promise<OutboundSpool> {
    OutboundSpool.migrate(options.db);
    const blobs = await FsBlobStore.open({ dataDir: options.spoolDir, ...(options.logger ? { logger: options.logger } : {}) });
    const spool = new OutboundSpool(options.db, blobs, options);
    await spool.sweepOrphans();
    await spool.finishCompleted();
    return spool;
  }

  /** Stores the message durably; resolves with its queue id only once file and rows are durable. */
  async enqueue(envelope: QueueEnvelope, body: AsyncIterable<Buffer | string>, options: EnqueueOptions = {}): Promise<string> {
    const sender = envelope.from === '' ? '' : normalizeAddress(envelope.from);
    if (sender === null) throw new InputError('queue_sender_invalid', `invalid envelope sender ${JSON.stringify(envelope.from)}`);
    const recipients = [...new Set(envelope.recipients.map((r) => {
      const a = normalizeAddress(r);
      if (!a) throw new InputError('queue_recipient_invalid', `invalid recipient ${JSON.stringify(r)}`);
      return a;
    }))];
    if (recipients.length === 0) throw new InputError('queue_no_recipients', 'a queued message needs at least one recipient');

    // Up to MAX_KEPT_BODY the bytes are kept: for the commit worker to write in one trip (when it
    // writes files) and for the first attempt (BodyCache). Past it, or on the main-thread
    // committer, they stream to the file through the blob writer as they come.
    const inWorker = this.committer.writesFiles;
    let kept: Buffer[] | null = [];
    let size = 0;
    let writer: BlobWriter | null = inWorker ? null : this.blobs.create();
    let id: string;
    let file: SpoolBodyFile | undefined;
    let inlineBody: Buffer | undefined;
    try {
      for await (const chunk of body) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (kept && size > MAX_KEPT_BODY) {
          if (!writer) {
            writer = this.blobs.create();
            for (const c of kept) await writer.write(c);
          }
          kept = null;
        }
        // Copied: a caller may reuse its buffer once it has been taken.
        if (kept) kept.push(Buffer.from(bytes));
        if (writer) await writer.write(bytes);
      }
      if (writer) {
        ({ size } = await writer.commit());
        id = writer.id;
      } else {
        id = newBlobId(new Date());
        const bytes = Buffer.concat(kept!, size);
        if (size <= this.inlineBodyBytes) inlineBody = bytes;
        else file = { blobsDir: this.blobs.blobsDir, ...locateBlob(this.blobs.blobsDir, id)!, bytes };
        // One chunk: the attempt writes it to the socket in one go, not a write per piece.
        kept = [bytes];
      }
    } catch (err) {
      await writer?.abort().catch(() => undefined);
      throw err;
    }
    const queuedAt = this.now();
    // Cached before the commit: the runner may start the message the moment the rows are visible.
    if (kept) this.bodies.put(id, kept, size);
    try {
      await this.write({
        kind: 'enqueue', id, sender, size, queuedAt, isBounce: options.isBounce === true,
        recipients: recipients.map((address) => ({ address, domain: address.slice(address.lastIndexOf('@') + 1) })),
        ...(file ? { body: file } : {}),
        ...(inlineBody ? { inlineBody } : {}),
      });
    } catch (err) {
      this.bodies.drop(id);
      if (!inlineBody) await this.blobs.remove(id).catch(() => undefined);
      throw err;
    }
    if (inlineBody) this.inlineIds.add(id);
    this.logger.info('queued', { qid: id, from: sender, rcpts: recipients.length, size });
    return id;
  }

  list(): QueuedMessage[] {
    const messages = this.db.prepare('SELECT * FROM queue_messages ORDER BY queued_at, id').all() as MessageRow[];
    const rows = this.db.prepare('SELECT * FROM queue_recipients ORDER BY message_id, rowid').all() as RecipientRow[];
    const byMessage = new Map<string, RecipientRow[]>();
    for (const r of rows) (byMessage.get(r.message_id) ?? byMessage.set(r.message_id, []).get(r.message_id)!).push(r);
    return messages.map((m) => toMessage(m, byMessage.get(m.id) ?? []));
  }

  get(id: string): QueuedMessage | null {
    const m = this.sql.message.get(id) as MessageRow | undefined;
    if (!m) return null;
    return toMessage(m, this.sql.recipients.all(id) as RecipientRow[]);
  }

  /**
   * Recipients due at `now` (pending or deferred), oldest due first, grouped by message, at most
   * `limit` rows, leaving out the domains and message/domain pairs the runner cannot start.
   * The last group may be cut short by the limit; its other recipients come in a later call.
   */
  due(now: number, query: DueQuery | number = {}): DueGroup[] {
    const { limit = 1000, skipDomains = [], skipGroups = [] } = typeof query === 'number' ? { limit: query } : query;
    const rows = this.sql.due.all(now, JSON.stringify([...skipDomains]), JSON.stringify([...skipGroups]), limit) as DueRow[];
    const groups = new Map<string, DueGroup>();
    for (const row of rows) {
      let group = groups.get(row.message_id);
      if (!group) {
        group = { message: toMessageInfo({ id: row.message_id, sender: row.sender, size: row.size, queued_at: row.queued_at, is_bounce: row.is_bounce }), recipients: [] };
        groups.set(row.message_id, group);
      }
      group.recipients.push(toRecipient(row));
    }
    return [...groups.values()];
  }

  /** The earliest time any recipient is due; null when nothing waits. */
  nextDueAt(): number | null {
    return (this.sql.nextDueAt.get() as { at: number | null }).at;
  }

  /**
   * Stores one attempt's outcome. A recipient already delivered or failed is never changed
   * again (a stale result cannot undo a final state). Failed recipients of a message with a
   * non-null sender get a pending bounce in the same transaction, so a crash cannot lose it.
   */
  async recordAttempt(messageId: string, updates: RecipientUpdate[]): Promise<void> {
    // The last final outcome removes the message's rows in the same commit (one fsync, not two).
    const result = await this.write({ kind: 'record', messageId, now: this.now(), updates, ...this.bodyFileOf(messageId) });
    if (result.finished) await this.removeBody(messageId, result.fileRemoved);
  }

  /** Messages with failed recipients whose bounce is not yet handed off. */
  pendingBounces(): { message: QueuedMessage; recipients: QueuedRecipient[] }[] {
    const ids = this.sql.bouncePending.all() as { message_id: string }[];
    return ids.map(({ message_id }) => this.get(message_id)).filter((m): m is QueuedMessage => m !== null)
      .map((message) => ({ message, recipients: message.recipients.filter((r) => r.bounce === 'pending') }));
  }

  async markBounced(messageId: string, addresses: string[]): Promise<void> {
    const result = await this.write({ kind: 'markBounced', messageId, addresses, ...this.bodyFileOf(messageId) });
    if (result.finished) await this.removeBody(messageId, result.fileRemoved);
  }

  /** Makes every waiting recipient of the message due now; NotFoundError when there is no such message. */
  async retryNow(id: string): Promise<number> {
    if (!this.get(id)) throw new NotFoundError('queue_message_not_found', `no queued message ${id}`);
    return (await this.write({ kind: 'retryNow', messageId: id, now: this.now() })).changes;
  }

  /** Drops a message without delivering or bouncing it (an admin's `queue rm`). */
  async remove(id: string): Promise<void> {
    if (!this.get(id)) throw new NotFoundError('queue_message_not_found', `no queued message ${id}`);
    await this.deleteMessage(id);
    this.logger.info('removed from queue', { qid: id });
  }

  openBody(id: string): Readable {
    const cached = this.bodies.get(id);
    if (cached) return Readable.from(cached, { objectMode: false });
    // Not in memory (evicted, or queued before a restart): its row, or else its file.
    const inline = this.sql.inlineBody.get(id) as Buffer | undefined;
    return inline ? Readable.from([inline], { objectMode: false }) : this.blobs.open(id);
  }

  /** Writes asked for and transactions that committed them (fewer: group commit). */
  get commitStats(): { requests: number; transactions: number } {
    return { ...this.committer.stats };
  }

  /** Waits for the writes in flight and stops the commit worker. The spool is not used after. */
  async close(): Promise<void> {
    await this.committer.close();
    this.bodies.clear();
  }

  /** For a committer that removes files: where the message's body is. */
  private bodyFileOf(id: string): { bodyFile?: string } {
    const location = this.committer.writesFiles && !this.inlineIds.has(id) ? locateBlob(this.blobs.blobsDir, id) : null;
    return location ? { bodyFile: location.file } : {};
  }

  /** Commits one write (spool-writes.ts); resolves once it is durable. */
  private write(write: SpoolWrite) {
    return this.committer.run(write);
  }

  /**
   * After a write reported `finished` (it deleted the message's rows because nothing is left to
   * do for it): rows first, file second, so a crash in between leaves an orphan file, which the
   * sweep at open removes.
   */
  private async removeBody(id: string, removed = false): Promise<void> {
    this.bodies.drop(id);
    // An inline body went with its rows (ON DELETE CASCADE): there is no file to remove.
    if (!removed && !this.inlineIds.delete(id)) await this.blobs.remove(id);
    this.logger.info('message done, removed from queue', { qid: id });
  }

  /** Rows first, file second: a crash in between leaves an orphan file, which the sweep removes. */
  private async deleteMessage(id: string): Promise<void> {
    this.bodies.drop(id);
    // The file here, awaited: an admin's `queue rm` expects it gone when the command returns.
    await this.write({ kind: 'delete', messageId: id });
    if (!this.inlineIds.delete(id)) await this.blobs.remove(id);
  }

  /**
   * Fix (found by test/e2e/queue-crash.test.ts): a crash between the commit of a message's last
   * final state (recordAttempt, markBounced) and the removal of its rows left a message with
   * nothing left to do that no tick ever selects again, so it stayed in `queue ls` (and kept its
   * body file) forever. Finish such messages when the spool opens. Safe beside a running daemon:
   * removal is idempotent (the delete re-checks nothing, the file removal ignores a missing file).
   * (Since recordAttempt and markBounced delete the rows in the same commit, only rows written by
   * an older version can still be found here; a crash now leaves at worst an orphan file.)
   */
  private async finishCompleted(): Promise<void> {
    const done = this.db.prepare(`SELECT id FROM queue_messages m WHERE NOT EXISTS (SELECT 1 FROM queue_recipients r
      WHERE r.message_id = m.id AND (r.state IN ('pending', 'deferred') OR r.bounce = 'pending'))`).all() as { id: string }[];
    for (const { id } of done) await this.deleteMessage(id);
    if (done.length > 0) this.logger.info('removed finished messages left in the queue by an interrupted removal', { removed: done.length });
  }

  private async sweepOrphans(): Promise<void> {
    const known = this.db.prepare('SELECT 1 FROM queue_messages WHERE id = ?');
    // File times are wall-clock times, whatever clock the queue itself runs on.
    const cutoff = Date.now() - ORPHAN_GRACE_MS;
    let removed = 0;
    for await (const id of this.blobs.list()) {
      if (known.get(id)) continue;
      const mtime = await this.blobs.modifiedAt(id);
      if (mtime && mtime.getTime() >= cutoff) continue;
      await this.blobs.remove(id);
      removed++;
    }
    if (removed > 0) this.logger.info('removed spool files without queue rows (interrupted enqueue or removal)', { removed });
  }
}

function toRecipient(r: RecipientRow): QueuedRecipient {
  return {
    address: r.address, domain: r.domain, state: r.state, attempts: r.attempts, nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at, lastReply: r.last_reply, status: r.status, remoteMta: r.remote_mta, bounce: r.bounce,
  };
}

function toMessageInfo(m: MessageRow): QueuedMessageInfo {
  return { id: m.id, sender: m.sender, size: m.size, queuedAt: m.queued_at, isBounce: m.is_bounce === 1 };
}

function toMessage(m: MessageRow, rows: RecipientRow[]): QueuedMessage {
  return { ...toMessageInfo(m), recipients: rows.map(toRecipient) };
}

/**
 * The bytes of recently queued small messages, oldest dropped first past `limit` bytes. Only a
 * copy of what the file holds: the file is durable before the message is acknowledged, and an
 * attempt whose message is no longer here reads the file.
 */
class BodyCache {
  private readonly entries = new Map<string, { chunks: Buffer[]; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  put(id: string, chunks: Buffer[], bytes: number): void {
    if (!this.enabled || bytes > this.limit) return;
    this.drop(id);
    this.entries.set(id, { chunks, bytes });
    this.bytes += bytes;
    while (this.bytes > this.limit) this.drop(this.entries.keys().next().value!);
  }

  get(id: string): Buffer[] | null {
    return this.entries.get(id)?.chunks ?? null;
  }

  drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
