// Every write the outbound spool makes, as plain data (SpoolWrite) and the SQL that applies one
// inside a transaction. Plain data because the writes are committed by the spool's commit worker
// (spool-commit-worker.ts, a thread with its own connection) in group commits, and messages to a
// thread are structured-cloned; the same applier runs on the main thread when there is no worker
// (an in-memory database, or `commitWorker: false`), so there is one copy of the SQL either way.

import type { Db } from '../store/sqlite/database.js';

/** What one attempt decided for one recipient; the runner computes it, the spool stores it. */
export interface RecipientUpdate {
  address: string;
  state: 'delivered' | 'deferred' | 'failed';
  reply: string;
  status: string;
  remoteMta?: string | null;
  /** For `deferred`: when to try again. */
  nextAttemptAt?: number;
}

/**
 * A small body that the commit worker writes to its spool file itself, durably, before the rows
 * of its batch (spool-commit-worker.ts): one trip to the worker per message instead of one per
 * file operation (open, write, fsync, close, directory fsync) through the thread pool.
 */
export interface SpoolBodyFile {
  /** DATA/queue/blobs, and the day and hour directories and the file under it (blob-layout.ts). */
  blobsDir: string;
  dayDir: string;
  hourDir: string;
  file: string;
  bytes: Uint8Array;
}

export type SpoolWrite =
  | {
    kind: 'enqueue'; id: string; sender: string; size: number; queuedAt: number; isBounce: boolean; recipients: { address: string; domain: string }[];
    /** A body for the commit worker to write to its file, durably, before the rows. */
    body?: SpoolBodyFile;
    /** A small body stored in queue_bodies, in the same transaction as the rows: no file at all. */
    inlineBody?: Uint8Array;
  }
  | { kind: 'record'; messageId: string; now: number; updates: RecipientUpdate[]; bodyFile?: string }
  | { kind: 'markBounced'; messageId: string; addresses: string[]; bodyFile?: string }
  | { kind: 'retryNow'; messageId: string; now: number }
  | { kind: 'delete'; messageId: string; bodyFile?: string };

/**
 * `finished`: the write removed the message's rows because nothing is left to do for it (the
 * caller removes the body file after the commit). `changes`: rows a retryNow touched.
 */
export interface SpoolWriteResult {
  finished: boolean;
  changes: number;
  /**
   * The commit worker removes the message's body file (`bodyFile`), right after the commit that
   * removed its rows and its answer, so the caller need not.
   */
  fileRemoved?: boolean;
}

const OPEN_STATES = "('pending', 'deferred')";

/** Prepares the write statements on `db` and returns the function that applies one write. */
export function prepareSpoolWrites(db: Db): (write: SpoolWrite) => SpoolWriteResult {
  const sql = {
    insertMessage: db.prepare('INSERT INTO queue_messages (id, sender, size, queued_at, is_bounce) VALUES (?, ?, ?, ?, ?)'),
    insertBody: db.prepare('INSERT INTO queue_bodies (message_id, body) VALUES (?, ?)'),
    insertRecipient: db.prepare(`INSERT INTO queue_recipients (message_id, address, domain, state, next_attempt_at) VALUES (?, ?, ?, 'pending', ?)`),
    senderOf: db.prepare('SELECT sender FROM queue_messages WHERE id = ?'),
    recordOutcome: db.prepare(`UPDATE queue_recipients SET state = ?, attempts = attempts + 1, last_attempt_at = ?, last_reply = ?, status = ?,
      remote_mta = ?, next_attempt_at = ?, bounce = ? WHERE message_id = ? AND address = ? AND state IN ${OPEN_STATES}`),
    markBounced: db.prepare("UPDATE queue_recipients SET bounce = 'sent' WHERE message_id = ? AND address = ? AND bounce = 'pending'"),
    retryNow: db.prepare(`UPDATE queue_recipients SET next_attempt_at = ? WHERE message_id = ? AND state IN ${OPEN_STATES}`),
    openCount: db.prepare(`SELECT COUNT(*) AS n FROM queue_recipients WHERE message_id = ? AND (state IN ${OPEN_STATES} OR bounce = 'pending')`),
    deleteMessage: db.prepare('DELETE FROM queue_messages WHERE id = ?'),
  };

  /** Deletes the message's rows when every recipient is final and no bounce is pending. */
  const deleteIfDone = (id: string): boolean => {
    if ((sql.openCount.get(id) as { n: number }).n > 0) return false;
    return sql.deleteMessage.run(id).changes > 0;
  };

  return (write) => {
    switch (write.kind) {
      case 'enqueue':
        sql.insertMessage.run(write.id, write.sender, write.size, write.queuedAt, write.isBounce ? 1 : 0);
        for (const r of write.recipients) sql.insertRecipient.run(write.id, r.address, r.domain, write.queuedAt);
        // Through a thread the bytes arrive as a plain Uint8Array, which better-sqlite3 does not bind.
        if (write.inlineBody) sql.insertBody.run(write.id, Buffer.from(write.inlineBody.buffer, write.inlineBody.byteOffset, write.inlineBody.byteLength));
        return { finished: false, changes: 1 + write.recipients.length };
      case 'record': {
        const m = sql.senderOf.get(write.messageId) as { sender: string } | undefined;
        if (!m) return { finished: false, changes: 0 }; // removed by an admin meanwhile
        const bounce = m.sender !== '' ? 'pending' : 'none';
        const now = write.now;
        let changes = 0;
        for (const u of write.updates) {
          changes += sql.recordOutcome.run(u.state, now, u.reply.slice(0, 2000), u.status, u.remoteMta ?? null,
            u.state === 'deferred' ? (u.nextAttemptAt ?? now) : now, u.state === 'failed' ? bounce : 'none', write.messageId, u.address).changes;
        }
        // The last final outcome removes the message's rows in the same commit (one fsync, not two).
        return { finished: deleteIfDone(write.messageId), changes };
      }
      case 'markBounced': {
        let changes = 0;
        for (const a of write.addresses) changes += sql.markBounced.run(write.messageId, a).changes;
        return { finished: deleteIfDone(write.messageId), changes };
      }
      case 'retryNow':
        return { finished: false, changes: sql.retryNow.run(write.now, write.messageId).changes };
      case 'delete':
        return { finished: false, changes: sql.deleteMessage.run(write.messageId).changes };
    }
  };
}
