// The scheduler without the network: a fake deliverer counts concurrent sessions per domain.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QueueRunner } from '../../../mail/queue/queue-runner.js';
import { OutboundSpool } from '../../../mail/queue/spool.js';
import type { RecipientOutcome } from '../../../mail/queue/smtp-reply.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';

describe('QueueRunner limits and lifecycle', () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-limits-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue') });
  });
  after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

  it('keeps to the per-domain and total limits, groups recipients by domain', async () => {
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    let total = 0;
    let peakTotal = 0;
    const calls: string[][] = [];
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, limits: { total: 3, perDomain: 2 },
      deliver: async (domain, msg) => {
        calls.push(msg.recipients);
        active.set(domain, (active.get(domain) ?? 0) + 1);
        total++;
        peak.set(domain, Math.max(peak.get(domain) ?? 0, active.get(domain)!));
        peakTotal = Math.max(peakTotal, total);
        await new Promise((r) => setTimeout(r, 20));
        active.set(domain, active.get(domain)! - 1);
        total--;
        return new Map(msg.recipients.map((r): [string, RecipientOutcome] => [r, { kind: 'delivered', reply: '250 ok', status: '2.0.0' }]));
      },
    });
    for (let i = 0; i < 6; i++) await spool.enqueue({ from: 'a@h.test', recipients: [`x${i}@one.test`, `y${i}@one.test`, `z${i}@two.test`] }, (async function* () { yield Buffer.from('Subject: x\r\n\r\nx\r\n'); })());
    await runner.drain();
    assert.deepEqual(spool.list(), []);
    assert.equal(peak.get('one.test'), 2);
    assert.ok(peakTotal <= 3);
    assert.equal(calls.length, 12, 'one session per message and domain');
    assert.ok(calls.every((c) => c.length === 2 ? c.every((r) => r.endsWith('@one.test')) : c.length === 1));
  });

  it('start() delivers by itself after kick(); stop() waits for in-flight attempts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let delivered = 0;
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, pollIntervalMs: 50,
      deliver: async (_d, msg) => {
        await gate;
        delivered++;
        return new Map(msg.recipients.map((r): [string, RecipientOutcome] => [r, { kind: 'delivered', reply: '250 ok', status: '2.0.0' }]));
      },
    });
    runner.start();
    const id = await spool.enqueue({ from: 'a@h.test', recipients: ['q@one.test'] }, (async function* () { yield Buffer.from('x\r\n'); })());
    runner.kick();
    await new Promise((r) => setTimeout(r, 100));
    const stopping = runner.stop(5000);
    release();
    assert.equal(await stopping, 0, 'nothing abandoned');
    assert.equal(delivered, 1);
    assert.equal(spool.get(id), null);
  });

  it('stop() gives up on a hung attempt at the deadline; the recipient stays queued', async () => {
    const runner = new QueueRunner({
      spool, hostname: 'h.test', handOffBounce: async () => {}, pollIntervalMs: 50,
      deliver: () => new Promise(() => {}),
    });
    const id = await spool.enqueue({ from: 'a@h.test', recipients: ['hang@one.test'] }, (async function* () { yield Buffer.from('x\r\n'); })());
    runner.start();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await runner.stop(100), 1);
    assert.equal(spool.get(id)!.recipients[0]!.state, 'pending');
  });
});
