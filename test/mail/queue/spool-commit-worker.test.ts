// The spool's writes go to its commit worker thread: group commit across callers, durable when
// they resolve, visible to the main thread's reads, and a worker that dies mid-batch loses or
// half-writes nothing. Also the in-memory copy of recently queued bodies.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OutboundSpool, type OutboundSpoolOptions } from '../../../mail/queue/spool.js';
import { locateBlob } from '../../../mail/store/fs/blob-layout.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';

const CRASHING_WORKER = new URL('./crashing-spool-commit-worker.js', import.meta.url);
const MESSAGE = 'From: a@here.test\r\nSubject: hi\r\n\r\n' + 'body line\r\n'.repeat(300);

async function* chunks(text: string): AsyncGenerator<Buffer> {
  for (let i = 0; i < text.length; i += 1000) yield Buffer.from(text.slice(i, i + 1000));
}

async function read(stream: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

describe('OutboundSpool commit worker', () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  const open = async (options: Partial<OutboundSpoolOptions> = {}) => {
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue'), ...options });
  };
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-spool-worker-')); });
  afterEach(async () => { await spool.close(); db.close(); rmSync(dir, { recursive: true, force: true }); });

  it('commits concurrent writes in shared transactions on the worker, each visible once it resolves', async () => {
    await open();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => spool.enqueue({ from: 'a@here.test', recipients: [`r${i}@far.test`] }, chunks(MESSAGE))));
    for (const id of ids) assert.equal(spool.get(id)?.recipients[0]?.state, 'pending');
    const stats = spool.commitStats;
    assert.equal(stats.requests, 30);
    assert.ok(stats.transactions >= 1 && stats.transactions < 30, `group commit: ${JSON.stringify(stats)}`);
    // The other writes take the same road: outcomes, the removal of a finished message, retry, rm.
    await spool.recordAttempt(ids[0]!, [{ address: 'r0@far.test', state: 'delivered', reply: '250 ok', status: '2.0.0' }]);
    assert.equal(spool.get(ids[0]!), null, 'finished message removed');
    // The worker unlinks the file just after its answer.
    for (let i = 0; i < 400 && await spool.blobs.exists(ids[0]!); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await spool.blobs.exists(ids[0]!), false);
    await spool.recordAttempt(ids[1]!, [{ address: 'r1@far.test', state: 'deferred', reply: '451 later', status: '4.0.0', nextAttemptAt: Date.now() + 3600_000 }]);
    assert.equal(await spool.retryNow(ids[1]!), 1);
    assert.ok(spool.get(ids[1]!)!.recipients[0]!.nextAttemptAt <= Date.now());
    await spool.recordAttempt(ids[2]!, [{ address: 'r2@far.test', state: 'failed', reply: '550 no', status: '5.1.1' }]);
    assert.equal(spool.get(ids[2]!)!.recipients[0]!.bounce, 'pending');
    await spool.markBounced(ids[2]!, ['r2@far.test']);
    assert.equal(spool.get(ids[2]!), null);
    await spool.remove(ids[3]!);
    assert.equal(spool.get(ids[3]!), null);
    // Durable: a fresh connection (as after a restart) sees the same rows.
    const other = openDatabase(path.join(dir, 'mailroom.db'), { readonly: true });
    try {
      assert.equal((other.prepare('SELECT count(*) AS n FROM queue_messages').get() as { n: number }).n, 27);
    } finally {
      other.close();
    }
  });

  it('with two batches in flight (files of the next beside the commit of the last) every write commits, in order, durably', async () => {
    // Bodies in files (inlineBodyBytes: 0): the files of the next batch are what can overlap.
    await open({ commitBatchesInFlight: 2, inlineBodyBytes: 0 });
    const ids: string[] = [];
    // Waves of enqueues a turn apart, so that batches go while others are in flight.
    const waves = Array.from({ length: 6 }, async (_, w) => {
      await new Promise((r) => setTimeout(r, w));
      const wave = await Promise.all(Array.from({ length: 8 }, (_, i) => spool.enqueue({ from: 'a@here.test', recipients: [`w${w}r${i}@far.test`] }, chunks(MESSAGE))));
      for (const id of wave) assert.equal(spool.get(id)?.recipients[0]?.state, 'pending', 'visible once it resolves');
      ids.push(...wave);
    });
    await Promise.all(waves);
    assert.equal(ids.length, 48);
    for (const id of ids) assert.equal(await read(spool.openBody(id)), MESSAGE);
    for (const id of ids) assert.equal(await spool.blobs.exists(id), true);
    // A finished attempt right behind its enqueue, and the file goes after the rows.
    await Promise.all(ids.slice(0, 10).map((id) => spool.recordAttempt(id, [{ address: spool.get(id)!.recipients[0]!.address, state: 'delivered', reply: '250 ok', status: '2.0.0' }])));
    assert.equal(spool.list().length, 38);
    assert.ok(spool.commitStats.transactions >= 2, JSON.stringify(spool.commitStats));
  });

  it('a worker that dies before committing fails the batch, leaves no row and no file, and a new worker takes the next', async () => {
    await open({ commitWorkerUrl: CRASHING_WORKER });
    await assert.rejects(spool.enqueue({ from: 'crash-before@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE)), (e: { code?: string }) => e.code === 'store_commit_worker_died');
    assert.deepEqual(spool.list(), []);
    const files = [];
    for await (const id of spool.blobs.list()) files.push(id);
    assert.deepEqual(files, [], 'the spool file of the failed enqueue is removed');
    const id = await spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE));
    assert.ok(spool.get(id));
  });

  it('a worker that dies after committing still reports the enqueue as queued (the rows say so)', async () => {
    await open({ commitWorkerUrl: CRASHING_WORKER, inlineBodyBytes: 0 });
    const id = await spool.enqueue({ from: 'crash-after@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE));
    assert.equal(spool.get(id)?.sender, 'crash-after@here.test');
    assert.equal(await spool.blobs.exists(id), true);
  });

  it('an inline body: a worker that dies before committing leaves neither rows nor body, one that dies after leaves both', async () => {
    await open({ commitWorkerUrl: CRASHING_WORKER, bodyCacheBytes: 0 });
    await assert.rejects(spool.enqueue({ from: 'crash-before@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE)), (e: { code?: string }) => e.code === 'store_commit_worker_died');
    assert.equal((db.prepare('SELECT count(*) AS n FROM queue_bodies').get() as { n: number }).n, 0);
    const id = await spool.enqueue({ from: 'crash-after@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE));
    assert.equal(spool.get(id)?.sender, 'crash-after@here.test');
    assert.equal(await read(spool.openBody(id)), MESSAGE, 'read back from its row');
  });

  it('keeps a small body in the database with its rows (no file), a large one in a file; both survive a restart and go with their message', async () => {
    await open({ bodyCacheBytes: 0 });
    const small = await spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE));
    const large = 'From: a@here.test\r\n\r\n' + 'x'.repeat(100 * 1024) + '\r\n';
    const big = await spool.enqueue({ from: 'a@here.test', recipients: ['y@far.test'] }, chunks(large));
    assert.equal(await spool.blobs.exists(small), false, 'no file for a small body');
    assert.equal(await spool.blobs.exists(big), true, 'a file past inlineBodyBytes');
    // As after a restart: a fresh spool on a fresh connection reads both back.
    await spool.close();
    db.close();
    await open({ bodyCacheBytes: 0 });
    assert.equal(await read(spool.openBody(small)), MESSAGE);
    assert.equal(await read(spool.openBody(big)), large);
    // Delivered: the body row goes in the same commit as the message's rows.
    await spool.recordAttempt(small, [{ address: 'x@far.test', state: 'delivered', reply: '250 ok', status: '2.0.0' }]);
    assert.equal(spool.get(small), null);
    assert.equal((db.prepare('SELECT count(*) AS n FROM queue_bodies WHERE message_id = ?').get(small) as { n: number }).n, 0);
    await spool.remove(big);
    assert.equal(await spool.blobs.exists(big), false);
  });

  it('serves a freshly queued small body from memory, a large one and an evicted one from the file', async () => {
    await open({ bodyCacheBytes: 64 * 1024, inlineBodyBytes: 0 });
    const small = await spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE));
    const large = 'From: a@here.test\r\n\r\n' + 'x'.repeat(300 * 1024) + '\r\n';
    const big = await spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test'] }, chunks(large));
    assert.equal(await read(spool.openBody(small)), MESSAGE);
    assert.equal(await read(spool.openBody(big)), large);
    // Remove the small one's file behind the spool's back: only the memory copy can answer now.
    rmSync(locateBlob(spool.blobs.blobsDir, small)!.file);
    assert.equal(await read(spool.openBody(small)), MESSAGE);
    // Fill the cache past its limit: the oldest entry goes, and its file is read again.
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push(await spool.enqueue({ from: 'a@here.test', recipients: [`y${i}@far.test`] }, chunks(MESSAGE)));
    rmSync(locateBlob(spool.blobs.blobsDir, ids[0]!)!.file);
    await assert.rejects(read(spool.openBody(ids[0]!)), /ENOENT|not found|no such/i);
    assert.equal(await read(spool.openBody(ids[29]!)), MESSAGE);
  });
});
