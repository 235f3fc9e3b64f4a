// The folder tables (folder-table.ts) SELECT has built, shared by every session of the daemon,
// so a warm SELECT of a 100,000-message folder reads one folder row instead of every message.
//
// Why it cannot go stale: every change to a folder's messages (delivery by the commit worker,
// STORE, COPY, MOVE, EXPUNGE, by any protocol) bumps the folder's HIGHESTMODSEQ in the same
// transaction, and expunged UIDs are recorded with their MODSEQ. A cached table is kept with the
// HIGHESTMODSEQ it was read at; openFolder reads the folder row and, in the same read
// transaction, either finds that MODSEQ unchanged or reads just the messages changed and the
// UIDs expunged since (the QRESYNC queries). Nothing depends on hearing the change feed, so a
// write from another thread or process is caught the same way. A folder deleted and created
// again has a new UIDVALIDITY, which the lookup compares.
//
// Memory: about 16 bytes per message. Least recently opened folders go first once the cached
// messages pass `maxMessages`; a folder larger than that is not kept.

import type { FolderMessageTable } from '../contracts.js';
import type { FlagSetPool } from './folder-table.js';

export interface CachedFolderTable {
  folderId: number;
  uidValidity: number;
  /** The folder's HIGHESTMODSEQ the table is exact for. */
  modseq: number;
  table: FolderMessageTable;
  pool: FlagSetPool;
}

/** 2,000,000 messages: about 32 MB. */
export const DEFAULT_MAX_CACHED_MESSAGES = 2_000_000;

export class FolderTableCache {
  /** Map order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<number, CachedFolderTable>();
  private total = 0;

  constructor(private readonly maxMessages = DEFAULT_MAX_CACHED_MESSAGES) {}

  /** The entry for this folder, if it is the same folder (UIDVALIDITY); marks it recently used. */
  get(folderId: number, uidValidity: number): CachedFolderTable | undefined {
    const entry = this.entries.get(folderId);
    if (!entry) return undefined;
    this.remove(folderId);
    if (entry.uidValidity !== uidValidity) return undefined;
    this.insert(entry);
    return entry;
  }

  put(entry: CachedFolderTable): void {
    this.remove(entry.folderId);
    if (entry.table.count > this.maxMessages) return;
    this.insert(entry);
    for (const [id, old] of this.entries) {
      if (this.total <= this.maxMessages) break;
      if (old === entry) continue;
      this.remove(id);
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** Folders and messages held (for tests and metrics). */
  get size(): { folders: number; messages: number } {
    return { folders: this.entries.size, messages: this.total };
  }

  private insert(entry: CachedFolderTable): void {
    this.entries.set(entry.folderId, entry);
    this.total += entry.table.count;
  }

  private remove(folderId: number): void {
    const entry = this.entries.get(folderId);
    if (!entry) return;
    this.entries.delete(folderId);
    this.total -= entry.table.count;
  }
}
