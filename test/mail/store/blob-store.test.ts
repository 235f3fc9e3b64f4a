import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsBlobStore } from '../../../mail/store/fs/blob-store.js';
import { isBlobId, locateBlob } from '../../../mail/store/fs/blob-layout.js';
import { DirectorySyncBarrier, OpenDirectoryFsync } from '../../../mail/store/fs/directory-sync-barrier.js';
import { readAll } from './store-fixture.js';

describe('FsBlobStore', () => {
  let dir: string;
  let blobs: FsBlobStore;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-blobs-'));
    blobs = await FsBlobStore.open({ dataDir: dir, now: () => new Date('2025-06-02T10:30:00Z') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes in place into an hour bucket and reads ranges back exactly', async () => {
    const w = blobs.create();
    assert.ok(isBlobId(w.id));
    assert.ok(w.id.startsWith('2025060210'));
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    for (let i = 0; i < data.length; i += 7000) await w.write(data.subarray(i, i + 7000));
    // Written in place: the file has its final name while it is written (a blob is reachable
    // only through an index row written after commit; a crash leaves an orphan the sweep removes).
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), [], 'nothing goes through tmp');
    assert.deepEqual(await w.commit(), { id: w.id, size: data.length });
    assert.ok(existsSync(path.join(dir, 'blobs', '20250602', '10', w.id)));
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
    assert.deepEqual(await readAll(blobs.open(w.id)), data);
    assert.deepEqual(await readAll(blobs.open(w.id, { start: 100, end: 70_000 })), data.subarray(100, 70_000));
    assert.deepEqual(await readAll(blobs.open(w.id, { start: 199_990 })), data.subarray(199_990));
    assert.deepEqual(await readAll(blobs.open(w.id, { start: 5, end: 5 })), Buffer.alloc(0));
    assert.equal(await blobs.size(w.id), data.length);
    await blobs.remove(w.id);
    assert.equal(await blobs.exists(w.id), false);
    await blobs.remove(w.id); // removing twice is fine
  });

  it('abort removes the partial file, before or after commit', async () => {
    const a = blobs.create();
    await a.write(Buffer.alloc(100_000, 1));
    await a.abort();
    assert.equal(await blobs.exists(a.id), false, 'the partial file is gone');
    const b = blobs.create();
    await b.write(Buffer.from('x'));
    await b.commit();
    await b.abort();
    assert.equal(await blobs.exists(b.id), false);
    assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
    await assert.rejects(a.write(Buffer.from('late')), { code: 'blob_closed' });
  });

  it('creates the file before the body arrives; abort before any write removes it', async () => {
    // The writer opens its file at once (the open is off the path between end of DATA and 250).
    const w = blobs.create();
    const file = path.join(dir, 'blobs', '20250602', '10', w.id);
    const deadline = Date.now() + 10_000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(existsSync(file), 'the file exists before the first write');
    await w.abort();
    assert.equal(existsSync(file), false);
    await assert.rejects(w.commit(), { code: 'blob_closed' });
  });

  it('a small body and a large one (past the write buffer) commit intact', async () => {
    for (const size of [1, 4096, 65_535, 65_536, 65_537, 300_001]) {
      const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 256));
      const w = blobs.create();
      // Uneven pieces, so the switch to plain writes happens mid-piece for the large ones.
      for (let i = 0; i < data.length; i += 30_001) await w.write(data.subarray(i, i + 30_001));
      assert.deepEqual(await w.commit(), { id: w.id, size });
      assert.deepEqual(await readAll(blobs.open(w.id)), data, `${size} bytes read back`);
    }
  });

  it('an empty blob is a real, empty file', async () => {
    const w = blobs.create();
    await w.commit();
    assert.deepEqual(await readAll(blobs.open(w.id)), Buffer.alloc(0));
  });

  it('refuses ids that are not blob ids (never a path)', () => {
    assert.throws(() => blobs.open('../../etc/passwd'), { code: 'blob_id_invalid' });
    assert.equal(locateBlob('/x', '2025060210/../../../../etc'), null);
  });

  it('shares directory fsyncs between concurrent commits', async () => {
    const before = { ...blobs.barrier.stats };
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const w = blobs.create();
      await w.write(Buffer.from(`blob ${i}`));
      await w.commit();
    }));
    const requests = blobs.barrier.stats.requests - before.requests;
    const fsyncs = blobs.barrier.stats.fsyncs - before.fsyncs;
    assert.equal(requests, 50);
    assert.ok(fsyncs < requests, `${fsyncs} directory fsyncs for ${requests} commits`);
  });

  it('cleans old partial writes from tmp at startup, keeps young ones', async () => {
    const old = path.join(dir, 'tmp', 'old-partial');
    const young = path.join(dir, 'tmp', 'young-partial');
    writeFileSync(old, 'x');
    writeFileSync(young, 'y');
    const t = new Date('2025-06-02T10:00:00Z');
    utimesSync(old, t, t);
    const t2 = new Date('2025-06-02T10:29:50Z');
    utimesSync(young, t2, t2);
    await FsBlobStore.open({ dataDir: dir, now: () => new Date('2025-06-02T10:30:00Z') });
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(young), true);
    rmSync(young);
  });
});

describe('DirectorySyncBarrier', () => {
  it('joins callers of one turn, and never lets a caller ride an fsync that started before it', async () => {
    const log: string[] = [];
    let release!: () => void;
    const barrier = new DirectorySyncBarrier(async (d) => {
      log.push(`start ${d}`);
      await new Promise<void>((r) => { release = r; });
      log.push(`end ${d}`);
    });
    const first = [barrier.sync('/a'), barrier.sync('/a'), barrier.sync('/a')];
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start /a']);
    let lateDone = false;
    const late = barrier.sync('/a').then(() => { lateDone = true; });
    barrier.sync('/a');
    release();
    await Promise.all(first);
    assert.equal(lateDone, false, 'the late caller waits for a second fsync');
    await new Promise((r) => setImmediate(r));
    release();
    await late;
    assert.deepEqual(log, ['start /a', 'end /a', 'start /a', 'end /a']);
    assert.deepEqual(barrier.stats, { requests: 5, fsyncs: 2 });
  });

  it('reports a failed fsync to every caller of the round', async () => {
    const barrier = new DirectorySyncBarrier(async () => { throw Object.assign(new Error('EIO'), { code: 'EIO' }); });
    const results = await Promise.allSettled([barrier.sync('/b'), barrier.sync('/b')]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  });

  it('fsyncs through a kept descriptor, and a directory that fails is opened afresh next time', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'mailroom-dirsync-'));
    try {
      const dirs = new OpenDirectoryFsync();
      await dirs.fsync(base);
      await Promise.all([dirs.fsync(base), dirs.fsync(base)]);
      const missing = path.join(base, 'later');
      await assert.rejects(dirs.fsync(missing), { code: 'ENOENT' });
      mkdirSync(missing);
      await dirs.fsync(missing);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
