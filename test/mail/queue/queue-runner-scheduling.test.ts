// How the scheduler reads the spool: kicks coalesce, a tick with every slot busy reads nothing,
// the per-destination limit can key on the smarthost, and a backlog larger than one read drains.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QueueRunner } from '../../../mail/queue/queue-runner.js';
import type { RecipientOutcome } from '../../../mail/queue/smtp-reply.js';
import { OutboundSpool } from '../../../mail/queue/spool.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';

const delivered = (recipients: string[]) => new Map(recipients.map((r): [string, RecipientOutcome] => [r, { kind: 'delivered', reply: '250 ok', status: '2.0.0' }]));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const body = () => (async function* () { yield Buffer.from('Subject: s\r\n\r\nx\r\n'); })();

describe('QueueRunner scheduling', () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  let dueCalls = 0;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sched-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue') });
    const due = spool.due.bind(spool);
    spool.due = (...args) => { dueCalls++; return due(...args); };
  });
  after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

  it('kicks in one event-loop turn share one tick', async () => {
    const runner = new QueueRunner({ spool, hostname: 'h.test', handOffBounce: async () => {}, pollIntervalMs: 60_000, deliver: async (_d, m) => delivered(m.recipients) });
    runner.start();
    for (let i = 0; i < 50; i++) runner.kick();
    await nextTurn();
    await nextTurn();
    assert.equal(runner.stats.kicks, 51);
    assert.equal(runner.stats.ticks, 1);
    await runner.stop(1000);
  });

  it('with every slot busy a kick reads nothing; freed slots start the waiting mail', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let peak = 0;
    let active = 0;
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, pollIntervalMs: 60_000, limits: { total: 2, perDomain: 2 },
      deliver: async (_d, m) => { active++; peak = Math.max(peak, active); await gate; active--; return delivered(m.recipients); },
    });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await spool.enqueue({ from: 'a@h.test', recipients: [`r${i}@one.test`] }, body()));
    runner.start();
    await nextTurn();
    await nextTurn();
    assert.equal(active, 2);
    const reads = dueCalls;
    for (let i = 0; i < 5; i++) { runner.kick(); await nextTurn(); }
    assert.equal(dueCalls, reads, 'no spool read while the limiter is full');
    assert.ok(runner.stats.fullSkips >= 5);
    release();
    await runner.drain();
    await runner.stop(1000);
    assert.equal(peak, 2);
    for (const id of ids) assert.equal(spool.get(id), null);
  });

  it('destinationOf: behind a smarthost the per-destination limit covers every domain', async () => {
    let active = 0;
    let peak = 0;
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, limits: { total: 10, perDomain: 2 }, destinationOf: () => 'relay:smarthost:587',
      deliver: async (_d, m) => { active++; peak = Math.max(peak, active); await new Promise((r) => setTimeout(r, 10)); active--; return delivered(m.recipients); },
    });
    for (let i = 0; i < 8; i++) await spool.enqueue({ from: 'a@h.test', recipients: [`r@d${i}.test`] }, body());
    await runner.drain();
    assert.equal(peak, 2);
    assert.deepEqual(spool.list(), []);
  });

  it('drains a backlog larger than one read, one session per message and domain', async () => {
    const calls = new Map<string, number>();
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, limits: { total: 3, perDomain: 3 },
      deliver: async (_domain, m) => {
        const key = `${m.recipients.join(',')}`;
        calls.set(key, (calls.get(key) ?? 0) + 1);
        await nextTurn();
        return delivered(m.recipients);
      },
    });
    // 3 slots read 16 rows at a time; messages of 5 recipients straddle the reads.
    for (let i = 0; i < 20; i++) await spool.enqueue({ from: 'a@h.test', recipients: Array.from({ length: 5 }, (_, j) => `m${i}r${j}@one.test`) }, body());
    await runner.drain();
    assert.deepEqual(spool.list(), []);
    assert.equal(calls.size, 20);
    assert.ok([...calls.values()].every((n) => n === 1), 'no message split into two sessions or sent twice');
  });

  it('a finished attempt reads the spool again only when the last read left mail behind', async () => {
    const waitFor = async (cond: () => boolean) => { for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5)); assert.ok(cond()); };
    let done = 0;
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, pollIntervalMs: 60_000, limits: { total: 2, perDomain: 2 },
      deliver: async (_d, m) => { await nextTurn(); done++; return delivered(m.recipients); },
    });
    runner.start();
    await waitFor(() => spool.list().length === 0);
    // Room to spare: one message is queued, kicked, read once and delivered; its end reads nothing.
    await spool.enqueue({ from: 'a@h.test', recipients: ['one@solo.test'] }, body());
    const reads = dueCalls;
    runner.kick();
    await waitFor(() => done === 1 && spool.list().length === 0);
    for (let i = 0; i < 5; i++) await nextTurn();
    assert.equal(dueCalls - reads, 1, 'one read for the kick, none after the attempt');
    // More due than slots: each finished attempt reads again until the backlog is gone.
    for (let i = 0; i < 6; i++) await spool.enqueue({ from: 'a@h.test', recipients: [`b${i}@many${i}.test`] }, body());
    runner.kick();
    await waitFor(() => done === 7 && spool.list().length === 0);
    await runner.stop(1000);
  });
});
