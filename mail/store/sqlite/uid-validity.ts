// UIDVALIDITY for a new folder (RFC 9051 section 2.3.1.1): it must differ from any value the same
// folder name had before, so a client never mistakes new UIDs for old ones. Each creation takes
// max(now in seconds, last value + 1), remembered in mail_meta, so values only grow, even across
// restarts and a clock that steps back; seconds keep them within 32 bits until 2106.

import type { Db } from './database.js';

export class UidValidityAllocator {
  private readonly read;
  private readonly write;

  constructor(db: Db, private readonly now: () => Date) {
    this.read = db.prepare<[], { value: number }>("SELECT value FROM mail_meta WHERE key = 'last_uidvalidity'");
    this.write = db.prepare<[number]>("INSERT INTO mail_meta (key, value) VALUES ('last_uidvalidity', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  }

  /** Call inside the transaction that creates the folder. */
  next(): number {
    const last = this.read.get()?.value ?? 0;
    const value = Math.max(Math.floor(this.now().getTime() / 1000), last + 1);
    this.write.run(value);
    return value;
  }
}
