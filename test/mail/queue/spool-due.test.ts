// due() returns only work the runner can start, in one bounded query; the last final outcome
// removes a message in the same commit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dueGroupKey, OutboundSpool } from '../../../mail/queue/spool.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';

async function* body(): AsyncGenerator<Buffer> {
  yield Buffer.from('From: a@here.test\r\nSubject: due\r\n\r\nhello\r\n');
}

describe('OutboundSpool.due', () => {
  let dir: string;
  let db: Db;
  let spool: OutboundSpool;
  let clock = 1_760_000_000_000;
  const ids: string[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-spool-due-'));
    db = openDatabase(path.join(dir, 'mailroom.db'));
    spool = await OutboundSpool.open({ db, spoolDir: path.join(dir, 'queue'), now: () => clock });
    // Oldest first: m0 (two domains), m1 (one.test), m2 (two.test, two recipients), m3 (one.test).
    for (const rcpts of [['a@one.test', 'b@two.test'], ['c@one.test'], ['d@two.test', 'e@two.test'], ['f@one.test']]) {
      ids.push(await spool.enqueue({ from: 'Sender@Here.test', recipients: rcpts }, body()));
      clock += 1000;
    }
  });
  after(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

  const shape = (groups: ReturnType<OutboundSpool['due']>) => groups.map((g) => [ids.indexOf(g.message.id), g.recipients.map((r) => r.address)]);

  it('returns every due recipient grouped by message, oldest first, with the message fields from the same query', () => {
    const groups = spool.due(clock);
    assert.deepEqual(shape(groups), [[0, ['a@one.test', 'b@two.test']], [1, ['c@one.test']], [2, ['d@two.test', 'e@two.test']], [3, ['f@one.test']]]);
    const m = groups[0]!.message;
    assert.equal(m.sender, 'sender@here.test');
    assert.equal(m.isBounce, false);
    assert.equal(m.queuedAt, 1_760_000_000_000);
    assert.ok(m.size > 0);
    assert.deepEqual(spool.due(1_760_000_000_000 + 500).map((g) => g.message.id), [ids[0]], 'only what is due at now');
  });

  it('leaves out domains without a free slot and message/domain pairs already running', () => {
    assert.deepEqual(shape(spool.due(clock, { skipDomains: ['one.test'] })), [[0, ['b@two.test']], [2, ['d@two.test', 'e@two.test']]]);
    assert.deepEqual(shape(spool.due(clock, { skipGroups: [dueGroupKey(ids[0]!, 'one.test'), dueGroupKey(ids[2]!, 'two.test')] })),
      [[0, ['b@two.test']], [1, ['c@one.test']], [3, ['f@one.test']]]);
  });

  it('reads at most `limit` rows', () => {
    assert.deepEqual(shape(spool.due(clock, { limit: 3 })), [[0, ['a@one.test', 'b@two.test']], [1, ['c@one.test']]]);
    assert.deepEqual(shape(spool.due(clock, 1)), [[0, ['a@one.test']]]);
  });

  it('the last final outcome removes the message at once and its body right after', async () => {
    await spool.recordAttempt(ids[1]!, [{ address: 'c@one.test', state: 'delivered', reply: '250 ok', status: '2.0.0' }]);
    assert.equal(spool.get(ids[1]!), null);
    // The commit worker unlinks a finished message's file after its reply (rows first, file
    // second; the rows are gone, so the file is unreferenced already): wait for it, bounded.
    const until = Date.now() + 10_000;
    while (await spool.blobs.exists(ids[1]!) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await spool.blobs.exists(ids[1]!), false);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM queue_recipients WHERE message_id = ?').get(ids[1]!) as { n: number }).n, 0);
    // One final outcome of two: the message stays.
    await spool.recordAttempt(ids[0]!, [{ address: 'a@one.test', state: 'delivered', reply: '250 ok', status: '2.0.0' }]);
    assert.deepEqual(shape(spool.due(clock)).slice(0, 1), [[0, ['b@two.test']]]);
  });
});
