// The day and hour directories that blob files live in (blob-layout.ts), made on first use and
// made durable: a directory created here is only reachable after an fsync of its parent, so a
// file fsynced into it could otherwise vanish with it on power loss. Shared by the store's blob
// writers (blob-store.ts, main thread) and the outbound spool's commit worker
// (mail/queue/spool-commit-worker.ts, its own thread: plain node:fs only, nothing that needs the
// main thread).

import { mkdir } from 'node:fs/promises';
import type { BlobLocation } from './blob-layout.js';

/** mkdir that says whether it created the directory (then its name must be made durable). */
export async function makeDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o750 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Remembers which hour directories exist durably, so each is made (and fsynced) once. */
export class BlobBuckets {
  /** Hour directory → the promise that made it durable; a failed one is forgotten. */
  private readonly ready = new Map<string, Promise<void>>();

  /** `fsyncDirectory` makes a new name in the directory durable. */
  constructor(private readonly blobsDir: string, private readonly fsyncDirectory: (dir: string) => Promise<void>) {}

  /** mkdir of the day and hour directories, each new name made durable in its parent. */
  ensure(loc: Pick<BlobLocation, 'dayDir' | 'hourDir'>): Promise<void> {
    let ready = this.ready.get(loc.hourDir);
    if (!ready) {
      ready = (async () => {
        if (await makeDir(loc.dayDir)) await this.fsyncDirectory(this.blobsDir);
        if (await makeDir(loc.hourDir)) await this.fsyncDirectory(loc.dayDir);
      })();
      ready.catch(() => this.ready.delete(loc.hourDir));
      // Only the current bucket or two are ever hot; forget older ones.
      if (this.ready.size > 8) this.ready.delete(this.ready.keys().next().value!);
      this.ready.set(loc.hourDir, ready);
    }
    return ready;
  }
}
