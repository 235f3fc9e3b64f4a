// Loads the benchmark's mail into a Mailroom data directory in-process, before `mailroom serve`
// starts: the store is composed as mail/main.ts composes it (openDatabase + FsBlobStore +
// SqliteMailStore) and each message goes through the public delivery transaction (begin, add
// recipient, stream body, commit) with full durability, many in parallel so group commit
// batches them. Also creates many accounts at once for the IDLE phase (the CLI would spend a
// process start per account).

import path from 'node:path';
import { silentLogger } from '../../core/log.js';
import { FsBlobStore } from '../../mail/store/fs/blob-store.js';
import { DATABASE_FILE, openDatabase } from '../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../mail/store/sqlite/directory.js';
import { SqliteMailStore } from '../../mail/store/sqlite/mail-store.js';
import { generateMessage } from './mailbox-generator.js';

async function* once(buf: Buffer): AsyncGenerator<Buffer> { yield buf; }

export interface LoadResult { messages: number; bytes: number; ms: number }

/** Opens the data directory's store, runs fn, closes everything whatever happens. */
async function withStore<T>(dataDir: string, fn: (s: { store: SqliteMailStore; directory: SqliteDirectory }) => Promise<T>): Promise<T> {
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  try {
    const blobs = await FsBlobStore.open({ dataDir, logger: silentLogger });
    const store = new SqliteMailStore({ db, blobs, logger: silentLogger });
    try {
      const directory = new SqliteDirectory({ db, mailStore: store, logger: silentLogger });
      return await fn({ store, directory });
    } finally {
      await store.close();
    }
  } finally {
    db.close();
  }
}

/** Delivers generated messages [0, count) into the user's INBOX with their flags and dates. */
export async function loadMailroomFolder(opts: {
  dataDir: string;
  address: string;
  seed: number;
  count: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<LoadResult> {
  return withStore(opts.dataDir, async ({ store, directory }) => {
    const user = await directory.getUser(opts.address);
    if (!user) throw new Error(`no such Mailroom user: ${opts.address}`);
    const t0 = Date.now();
    let next = 0;
    let done = 0;
    let bytes = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= opts.count) return;
        const m = generateMessage(opts.seed, i, opts.address);
        const tx = store.beginDelivery({ internalDate: m.date });
        tx.addRecipient({ userId: user.id, flags: m.flags });
        await tx.writeBody(once(m.raw));
        await tx.commit();
        bytes += m.raw.length;
        done++;
        if (done % 5000 === 0) opts.onProgress?.(done);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 32 }, worker));
    return { messages: done, bytes, ms: Date.now() - t0 };
  });
}

/** Adds accounts through the Directory (the same validation and scrypt hashing as the CLI). */
export async function addMailroomUsers(opts: { dataDir: string; addresses: string[]; password: string; concurrency?: number }): Promise<void> {
  await withStore(opts.dataDir, async ({ directory }) => {
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= opts.addresses.length) return;
        await directory.addUser(opts.addresses[i]!, opts.password);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  });
}
