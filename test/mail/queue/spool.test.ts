import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundSpool } from '../../../mail/queue/spool.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { locateBlob } from '../../../mail/store/fs/blob-layout.js';

async function* chunks(text: string, size = 100): AsyncGenerator<Buffer> {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

const MESSAGE = 'From: a@here.test\r\nTo: b@far.test\r\nSubject: hi\r\n\r\n' + 'body line\r\n'.repeat(500);

describe('OutboundSpool', () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  const clock = 1_750_000_000_000;
  const open = async () => {
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue'), now: () => clock });
  };
  const reopen = async () => { db.close(); await open(); };
  before(async () => { dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-spool-')); await open(); });
  after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

  it('enqueues durably and lists per-recipient state that survives a restart', async () => {
    const id = await spool.enqueue({ from: 'A@Here.test', recipients: ['b@far.test', 'c@far.test', 'd@other.test', 'B@far.test'] }, chunks(MESSAGE));
    assert.equal(db.pragma('synchronous', { simple: true }), 2, 'synchronous=FULL');
    await reopen();
    const m = spool.get(id)!;
    assert.equal(m.sender, 'a@here.test');
    assert.equal(m.size, MESSAGE.length);
    assert.deepEqual(m.recipients.map((r) => [r.address, r.domain, r.state, r.attempts]), [
      ['b@far.test', 'far.test', 'pending', 0], ['c@far.test', 'far.test', 'pending', 0], ['d@other.test', 'other.test', 'pending', 0],
    ]);
    const body: Buffer[] = [];
    for await (const c of spool.openBody(id)) body.push(c as Buffer);
    assert.equal(Buffer.concat(body).toString(), MESSAGE);
    assert.ok(spool.list().some((x) => x.id === id));
  });

  it('records outcomes; delivered recipients are never due again, even after a restart', async () => {
    const id = await spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test', 'y@far.test', 'z@far.test'] }, chunks(MESSAGE));
    assert.ok(spool.due(clock).some((g) => g.message.id === id));
    await spool.recordAttempt(id, [
      { address: 'x@far.test', state: 'delivered', reply: '250 ok', status: '2.0.0', remoteMta: 'mx.far.test' },
      { address: 'y@far.test', state: 'deferred', reply: '451 later', status: '4.0.0', nextAttemptAt: clock + 60_000 },
      { address: 'z@far.test', state: 'failed', reply: '550 no', status: '5.1.1' },
    ]);
    // A stale result cannot undo a final state.
    await spool.recordAttempt(id, [{ address: 'x@far.test', state: 'deferred', reply: '451', status: '4.0.0', nextAttemptAt: clock }]);
    await reopen();
    const m = spool.get(id)!;
    const byAddr = Object.fromEntries(m.recipients.map((r) => [r.address, r]));
    assert.equal(byAddr['x@far.test']!.state, 'delivered');
    assert.equal(byAddr['y@far.test']!.state, 'deferred');
    assert.equal(byAddr['y@far.test']!.attempts, 1);
    assert.equal(byAddr['y@far.test']!.nextAttemptAt, clock + 60_000);
    assert.equal(byAddr['z@far.test']!.bounce, 'pending', 'bounce pending written with the failure');
    const due = spool.due(clock).find((g) => g.message.id === id);
    assert.equal(due, undefined, 'nothing due before the retry time');
    const later = spool.due(clock + 60_000).find((g) => g.message.id === id)!;
    assert.deepEqual(later.recipients.map((r) => r.address), ['y@far.test']);
    assert.ok(spool.pendingBounces().some((b) => b.message.id === id));

    await spool.retryNow(id);
    assert.ok(spool.due(clock).some((g) => g.message.id === id), 'retryNow makes it due now');

    await spool.recordAttempt(id, [{ address: 'y@far.test', state: 'delivered', reply: '250 ok', status: '2.0.0' }]);
    assert.ok(spool.get(id), 'kept while its bounce is pending');
    await spool.markBounced(id, ['z@far.test']);
    assert.equal(spool.get(id), null, 'removed once every recipient is final and bounced');
    assert.equal(locateBlob(path.join(dir, 'queue', 'blobs'), id) !== null, true);
  });

  it('a null-sender message never gets a pending bounce', async () => {
    const id = await spool.enqueue({ from: '', recipients: ['x@far.test'] }, chunks(MESSAGE), { isBounce: true });
    await spool.recordAttempt(id, [{ address: 'x@far.test', state: 'failed', reply: '550 no', status: '5.1.1' }]);
    assert.equal(spool.get(id), null);
  });

  it('remove() drops rows and file; unknown ids give queue_message_not_found', async () => {
    const id = await spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test'] }, chunks(MESSAGE));
    await spool.remove(id);
    assert.equal(spool.get(id), null);
    assert.equal(await spool.blobs.exists(id), false);
    await assert.rejects(spool.remove(id), (err: { code?: string }) => err.code === 'queue_message_not_found');
    await assert.rejects(spool.retryNow(id), (err: { code?: string }) => err.code === 'queue_message_not_found');
  });

  it('refuses bad envelopes before writing anything', async () => {
    await assert.rejects(spool.enqueue({ from: 'not an address', recipients: ['x@far.test'] }, chunks('x')), (e: { code?: string }) => e.code === 'queue_sender_invalid');
    await assert.rejects(spool.enqueue({ from: '', recipients: [] }, chunks('x')), (e: { code?: string }) => e.code === 'queue_no_recipients');
  });

  it('a crash mid-enqueue leaves nothing half-visible, and the orphan file is swept at open', async () => {
    const before = spool.list().length;
    // A body stream that dies half way: nothing is queued and no file remains.
    async function* dying(): AsyncGenerator<Buffer> { yield Buffer.from('From: x\r\n'); throw new Error('client went away'); }
    await assert.rejects(spool.enqueue({ from: 'a@here.test', recipients: ['x@far.test'] }, dying()), /went away/);
    assert.equal(spool.list().length, before);
    assert.deepEqual(readdirSync(path.join(dir, 'queue', 'tmp')), []);

    // A crash after the file was made durable but before its rows committed: simulate with a
    // committed blob and no rows (what a SIGKILL between the two steps leaves).
    const writer = spool.blobs.create();
    await writer.write(Buffer.from(MESSAGE));
    await writer.commit();
    const old = new Date(Date.now() - 3600_000);
    utimesSync(locateBlob(spool.blobs.blobsDir, writer.id)!.file, old, old);
    await reopen();
    assert.equal(spool.list().length, before, 'no row, so no message');
    assert.equal(await spool.blobs.exists(writer.id), false, 'orphan swept');
  });

  it('shares one transaction among enqueues of the same turn (group commit)', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => spool.enqueue({ from: 'a@here.test', recipients: [`r${i}@far.test`] }, chunks(MESSAGE))));
    assert.equal(new Set(ids).size, 20);
    for (const id of ids) assert.ok(spool.get(id));
  });
});
