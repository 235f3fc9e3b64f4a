// BodySpill (mail/store/sqlite/body-spill.ts) on its own, in this thread, against a real database
// and real files: when it moves bodies (a pause, or a full intake), and what a failed move does.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { locateBlob } from '../../../mail/store/fs/blob-layout.js';
import { BodySpill } from '../../../mail/store/sqlite/body-spill.js';
import { SqliteMailStore } from '../../../mail/store/sqlite/mail-store.js';
import { chunks, message, openStoreFixture, readAll, waitFor, type StoreFixture } from './store-fixture.js';

const ALICE = 'u-alice';


describe('BodySpill', () => {
  let f: StoreFixture;
  let raws: string[];
  let blobIds: string[];
  const pending = () => (f.db.prepare('SELECT count(*) AS n FROM pending_bodies').get() as { n: number }).n;
  const fileOf = (id: string) => locateBlob(path.join(f.dir, 'blobs'), id)!.file;

  beforeEach(async () => {
    // Bodies put in the intake by a store whose own worker would wait a minute; the store is then
    // closed, so only the BodySpill under test moves them.
    f = await openStoreFixture({ intake: { quietMs: 60_000 } });
    await f.store.createMailbox(ALICE);
    raws = [message('One'), message('Two', 'second\r\n'.repeat(30)), message('Three')];
    blobIds = [];
    for (const raw of raws) {
      const tx = f.store.beginDelivery();
      tx.addRecipient({ userId: ALICE });
      await tx.writeBody(chunks(raw));
      blobIds.push((await tx.commit()).blobId);
    }
    await f.store.close();
  });
  afterEach(async () => { await f.cleanup(); });

  it('counts what is in the intake and waits for a pause before moving it', async () => {
    const warnings: unknown[] = [];
    let now = 1_000_000;
    const spill = new BodySpill({ db: f.db, blobsDir: path.join(f.dir, 'blobs'), quietMs: 50, warn: (m, x) => warnings.push([m, x]), now: () => now });
    const bytes = raws.reduce((n, r) => n + Buffer.byteLength(r), 0);
    assert.deepEqual(spill.backlog, { rows: 3, bytes });
    // Deliveries keep arriving (the clock the pause is measured on stands still): no move, though
    // its timer fires again and again.
    spill.committed(0, 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(pending(), 3);
    assert.equal(spill.stats.moved, 0);
    now += 1000;
    await waitFor(() => pending() === 0, 'the move after the pause');
    raws.forEach((raw, i) => assert.equal(readFileSync(fileOf(blobIds[i]!), 'utf8'), raw));
    assert.equal(spill.stats.moved, 3);
    assert.deepEqual(spill.backlog, { rows: 0, bytes: 0 });
    assert.deepEqual(warnings, []);
  });

  it('moves at once, pause or not, when the intake holds its limit', async () => {
    const spill = new BodySpill({ db: f.db, blobsDir: path.join(f.dir, 'blobs'), quietMs: 60_000, backlogBytes: 100, warn: () => undefined });
    // Under way already: the constructor found 3 bodies over the limit.
    spill.committed(0, 0);
    await waitFor(() => pending() === 0, 'the move of a full intake');
    assert.equal(spill.stats.moved, 3);
  });

  it('keeps the bodies readable in the intake when a move fails, says so, and tries again', async () => {
    // The day directory of the blobs is a plain file: every open under it fails (ENOTDIR).
    const dayDir = path.dirname(path.dirname(fileOf(blobIds[0]!)));
    rmSync(dayDir, { recursive: true, force: true });
    writeFileSync(dayDir, 'not a directory');
    const warnings: { message: string; fields: Record<string, unknown> }[] = [];
    const spill = new BodySpill({ db: f.db, blobsDir: path.join(f.dir, 'blobs'), quietMs: 0, retryMs: 200, warn: (message, fields) => warnings.push({ message, fields }) });
    await waitFor(() => warnings.length > 0, 'the warning of the failed move');
    assert.match(warnings[0]!.message, /could not move message bodies/);
    assert.equal((warnings[0]!.fields.err as { code?: string }).code, 'ENOTDIR');
    assert.equal(pending(), 3, 'nothing left the intake');
    assert.ok(spill.stats.failedPasses >= 1);
    // Readers still get every body, from the intake (a store without an intake of its own, on
    // the same connection as the BodySpill).
    const reader = new SqliteMailStore({ db: f.db, blobs: f.blobs });
    for (const [i, id] of blobIds.entries()) assert.equal((await readAll(reader.openMessage(id))).toString(), raws[i]);
    await reader.close();

    rmSync(dayDir, { force: true });
    await waitFor(() => pending() === 0, 'the retry to move the bodies');
    raws.forEach((raw, i) => assert.equal(readFileSync(fileOf(blobIds[i]!), 'utf8'), raw));
    assert.ok(existsSync(fileOf(blobIds[2]!)));
  });

  it('drains on request whatever the pause', async () => {
    const spill = new BodySpill({ db: f.db, blobsDir: path.join(f.dir, 'blobs'), quietMs: 60_000, warn: () => undefined });
    spill.committed(0, 0);
    await spill.drain();
    assert.equal(pending(), 0);
    assert.equal(spill.stats.moved, 3);
  });
});
