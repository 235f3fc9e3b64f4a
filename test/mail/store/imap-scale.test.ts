// A 100,000-message folder: how long SELECT, flag reads, FETCH of a range, STORE, COPY, MOVE
// and SEARCH take on a real database file. Timings are printed, not asserted (machines differ);
// the results are asserted. The rows are written straight into the tables (delivering 100,000
// messages through the commit worker would take minutes), with an index and search text taken
// from a message the real indexer indexed.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { message, openStoreFixture, type StoreFixture } from './store-fixture.js';
import { ALICE, assertCountersExact, deliver } from './imap-helpers.js';

const COUNT = 100_000;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'meeting', 'invoice', 'report', 'project', 'status', 'update', 'review', 'budget'];

/** Wall time and this process's CPU time: on a busy machine the second says more about the code. */
function report(label: string, start: bigint, cpu: NodeJS.CpuUsage): void {
  const used = process.cpuUsage(cpu);
  console.log(`  ${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms (CPU ${((used.user + used.system) / 1000).toFixed(1)} ms)`);
}

function timed<T>(label: string, run: () => T): T {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const out = run();
  report(label, start, cpu);
  return out;
}

async function timedAsync<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const out = await run();
  report(label, start, cpu);
  return out;
}

/** Deterministic pseudo-random numbers, so every run builds the same folder. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe(`SqliteMailStore with ${COUNT.toLocaleString('en')} messages in one folder`, () => {
  let f: StoreFixture;
  const withBudget: number[] = [];
  before(async () => {
    f = await openStoreFixture();
    await f.store.createMailbox(ALICE);
    await deliver(f, message('Template'), [{ userId: ALICE, folder: 'Archive' }]);
    const template = f.db.prepare('SELECT index_json, size FROM blobs').get() as { index_json: string; size: number };
    const inbox = f.db.prepare("SELECT id FROM folders WHERE user_id = ? AND name = 'INBOX'").get(ALICE) as { id: number };
    const rnd = random(42);
    timed('building the folder', () => f.db.transaction(() => {
      const blob = f.db.prepare('INSERT INTO blobs (blob_id, refcount, size, subject, from_display, date, message_id, index_json, created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, 0) RETURNING id');
      const text = f.db.prepare('INSERT INTO message_text (rowid, text) VALUES (?, ?)');
      const msg = f.db.prepare('INSERT INTO messages (folder_id, uid, modseq, flags, seen, internal_date, size, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      let unseen = 0;
      let bytes = 0;
      for (let uid = 1; uid <= COUNT; uid++) {
        const words = Array.from({ length: 30 }, () => WORDS[Math.floor(rnd() * WORDS.length)]!);
        if (uid % 10_000 === 0) words.push('needleword');
        if (words.includes('budget')) withBudget.push(uid);
        const size = template.size + uid % 1000;
        const id = (blob.get(`blob${String(uid).padStart(8, '0')}`, size, `Subject ${uid}`, 'Sender <s@example.org>', uid * 1000, null, template.index_json) as { id: number }).id;
        text.run(id, `Subject ${uid}\nSender <s@example.org>\n${words.join(' ')}`);
        const seen = uid % 3 !== 0;
        const flags = [seen ? '\\Seen' : '', uid % 7 === 0 ? '$Work' : ''].filter(Boolean).join(' ');
        msg.run(inbox.id, uid, uid + 1, flags, seen ? 1 : 0, uid * 1000, size, id);
        if (!seen) unseen++;
        bytes += size;
      }
      f.db.prepare('UPDATE folders SET uidnext = ?, highest_modseq = ?, messages = ?, unseen = ?, size = ? WHERE id = ?').run(COUNT + 1, COUNT + 1, COUNT, unseen, bytes, inbox.id);
    }).immediate());
  });
  after(async () => { await f.cleanup(); });

  it('opens the folder (SELECT) fast', async () => {
    await f.store.openFolder(ALICE, 'INBOX'); // first run warms the page cache
    const view = (await timedAsync('openFolder (100k)', () => f.store.openFolder(ALICE, 'INBOX')))!;
    assert.equal(view.messages.length, COUNT);
    assert.equal(view.folder.messages, COUNT);
    assert.deepEqual(view.messages[6], { uid: 7, modseq: 8, flags: ['\\Seen', '$Work'] });
    const flags = await timedAsync('messageFlags all (100k)', () => f.store.messageFlags(ALICE, 'INBOX'));
    assert.equal(flags.length, COUNT);
    const some = await timedAsync('messageFlags of 1:500', () => f.store.messageFlags(ALICE, 'INBOX', Array.from({ length: 500 }, (_, i) => i + 1)));
    assert.equal(some.length, 500);
    const changes = await timedAsync('folderChanges since HIGHESTMODSEQ - 10', () => f.store.folderChanges(ALICE, 'INBOX', COUNT - 9));
    assert.equal(changes.changed.length, 10);
  });

  it('fetches full rows for a range', async () => {
    const rows = await timedAsync('getMessages 1:500', () => f.store.getMessages(ALICE, 'INBOX', Array.from({ length: 500 }, (_, i) => i + 1)));
    assert.equal(rows.length, 500);
  });

  it('searches with the index', async () => {
    const rare = await timedAsync('search TEXT rare word', () => f.store.search(ALICE, 'INBOX', { kind: 'text', where: 'text', value: 'needleword' }));
    assert.deepEqual(rare, Array.from({ length: 10 }, (_, i) => (i + 1) * 10_000));
    const phrase = await timedAsync('search TEXT rare phrase', () => f.store.search(ALICE, 'INBOX', { kind: 'text', where: 'text', value: 'subject 50000' }));
    assert.deepEqual(phrase, [50000]);
    const body = await timedAsync('search BODY rare word', () => f.store.search(ALICE, 'INBOX', { kind: 'text', where: 'body', value: 'needleword' }));
    assert.equal(body.length, 10);
    const common = await timedAsync('search TEXT common word (every message a candidate)', () => f.store.search(ALICE, 'INBOX', { kind: 'text', where: 'text', value: 'budget' }));
    assert.deepEqual(common, withBudget);
    const unseen = await timedAsync('search UNSEEN', () => f.store.search(ALICE, 'INBOX', { kind: 'flag', flag: '\\Seen', set: false }));
    assert.equal(unseen.length, Math.floor(COUNT / 3));
    const keyword = await timedAsync('search KEYWORD', () => f.store.search(ALICE, 'INBOX', { kind: 'flag', flag: '$work', set: true }));
    assert.equal(keyword.length, Math.floor(COUNT / 7));
    const subject = await timedAsync('search SUBJECT (header scan)', () => f.store.search(ALICE, 'INBOX', { kind: 'text', where: 'subject', value: 'template' }));
    assert.equal(subject.length, COUNT);
    const combined = await timedAsync('search UNSEEN TEXT rare LARGER', () => f.store.search(ALICE, 'INBOX', { kind: 'and', criteria: [{ kind: 'flag', flag: '\\Seen', set: false }, { kind: 'text', where: 'text', value: 'needleword' }, { kind: 'size', larger: 0 }] }));
    assert.deepEqual(combined, [30000, 60000, 90000]);
  });

  it('changes flags, copies and moves in bulk', async () => {
    const uids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const stored = await timedAsync('setFlags +\\Flagged on 10k', () => f.store.setFlags(ALICE, 'INBOX', uids, 'add', ['\\Flagged']));
    assert.equal(stored.changed.length, 10_000);
    const copied = await timedAsync('copyMessages 10k', () => f.store.copyMessages(ALICE, 'INBOX', uids, 'Trash'));
    assert.equal(copied.pairs.length, 10_000);
    const moved = await timedAsync('moveMessages 10k', () => f.store.moveMessages(ALICE, 'INBOX', uids, 'Archive'));
    assert.equal(moved.pairs.length, 10_000);
    const vanished = await timedAsync('folderChanges with 10k VANISHED', () => f.store.folderChanges(ALICE, 'INBOX', COUNT + 1));
    assert.equal(vanished.vanished.length, 10_000);
    await assertCountersExact(f, ALICE, 'INBOX');
    await assertCountersExact(f, ALICE, 'Archive');
  });
});
