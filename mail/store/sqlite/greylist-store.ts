// The greylist triplets in SQLite. Rows are tiny and written once per first sight and once per
// pass (and then at most once a minute per triplet, see put's caller), so the synchronous
// writes cost little; expire() is called now and then by the greylist check, not by a timer.

import type { GreylistEntry, GreylistStore, GreylistTriplet } from '../contracts.js';
import { migrate, type Db } from './database.js';
import { GREYLIST_SCHEMA_STEPS } from './greylist-schema.js';

interface Row { first_seen: number; last_seen: number; passed_at: number | null }

export class SqliteGreylistStore implements GreylistStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly expireStmt;

  constructor(db: Db) {
    migrate(db, 'greylist', GREYLIST_SCHEMA_STEPS);
    this.getStmt = db.prepare<[string, string, string], Row>('SELECT first_seen, last_seen, passed_at FROM greylist_triplets WHERE network = ? AND sender = ? AND recipient = ?');
    this.putStmt = db.prepare<[string, string, string, number, number, number | null]>(
      `INSERT INTO greylist_triplets (network, sender, recipient, first_seen, last_seen, passed_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (network, sender, recipient) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, passed_at = excluded.passed_at`,
    );
    this.expireStmt = db.prepare<[number, number]>('DELETE FROM greylist_triplets WHERE (passed_at IS NULL AND first_seen < ?) OR (passed_at IS NOT NULL AND last_seen < ?)');
  }

  get(t: GreylistTriplet): Promise<GreylistEntry | null> {
    const row = this.getStmt.get(t.network, t.sender, t.recipient);
    return Promise.resolve(row ? { firstSeen: row.first_seen, lastSeen: row.last_seen, passedAt: row.passed_at } : null);
  }

  put(t: GreylistTriplet, e: GreylistEntry): Promise<void> {
    this.putStmt.run(t.network, t.sender, t.recipient, e.firstSeen, e.lastSeen, e.passedAt);
    return Promise.resolve();
  }

  expire(pendingBefore: number, passedBefore: number): Promise<number> {
    return Promise.resolve(this.expireStmt.run(pendingBefore, passedBefore).changes);
  }
}
