// SELECT over the store's shared folder table (mail/store/sqlite/folder-table-cache.ts): many
// sessions of one large folder, changes made between and during their SELECTs by other
// sessions, by direct store calls (what POP3, Sieve and delivery do) and by the commit worker's
// deliveries. Every session must see exactly the store's truth: EXISTS, UIDs, flags, MODSEQ,
// and the EXPUNGE / EXISTS / FETCH updates that bring an older session there. No timings.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageFlags } from '../../../../mail/store/contracts.js';
import { message } from '../../store/store-fixture.js';
import { fillLargeInbox } from './large-inbox.js';
import { selectedHarness, type SelectedHarness, type TestSession } from './selected-harness.js';

const COUNT = 20_000;

function fetchLines(rows: readonly MessageFlags[], modseq = false): string {
  return rows.map((m, i) => `* ${i + 1} FETCH (UID ${m.uid} FLAGS (${m.flags.join(' ')})${modseq ? ` MODSEQ (${m.modseq})` : ''})\r\n`).join('');
}

function existsOf(text: string): number {
  const m = /\* (\d+) EXISTS\r\n/.exec(text);
  assert.ok(m, `no EXISTS in ${text.slice(0, 200)}`);
  return Number(m[1]);
}

describe(`SELECT over the shared table of a ${COUNT.toLocaleString('en')}-message folder`, () => {
  let h: SelectedHarness;
  const truth = () => h.store.store.messageFlags(h.alice.id, 'INBOX');
  const folder = async () => (await h.store.store.getFolder(h.alice.id, 'INBOX'))!;

  /** FETCH 1:* gives exactly the store's rows, in order. */
  async function assertSeesTruth(s: TestSession, tag: string): Promise<void> {
    const rows = await truth();
    assert.equal(await s.run(`${tag} FETCH 1:* (UID FLAGS MODSEQ)`), fetchLines(rows, true) + `${tag} OK Fetch completed\r\n`);
  }

  before(async () => {
    h = await selectedHarness();
    await fillLargeInbox(h, COUNT);
  });
  after(async () => { await h.cleanup(); });

  it('keeps every session exact through changes by sessions, the store and deliveries', async () => {
    const a = h.session({ enable: ['CONDSTORE'] });
    const b = h.session();
    const first = await a.run('a1 SELECT INBOX');
    assert.equal(existsOf(first), COUNT);
    assert.match(first, /\* OK \[UNSEEN 3\] /);
    assert.match(first, /\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Work\)\r\n/);
    assert.match(first, new RegExp(`\\* OK \\[UIDNEXT ${COUNT + 1}\\] `));
    assert.match(first, new RegExp(`\\* OK \\[HIGHESTMODSEQ ${COUNT + 1}\\] `));
    // The second SELECT is answered from the table the first one left in the cache.
    assert.equal(existsOf(await b.run('b1 SELECT INBOX')), COUNT);
    const base = (await folder()).highestModseq;

    // Changes of every kind, none of them through `a`.
    await b.run('b2 STORE 1:10 +FLAGS (\\Flagged $Urgent)');
    await b.run('b3 STORE 3 -FLAGS (\\Seen)');
    await h.store.store.setFlags(h.alice.id, 'INBOX', [100, 200, 300], 'add', ['\\Answered']); // as POP3 or Sieve would
    await b.run('b4 STORE 50:59 +FLAGS.SILENT (\\Deleted)');
    await b.run('b5 EXPUNGE');
    await h.store.store.moveMessages(h.alice.id, 'INBOX', [COUNT], 'Archive');
    const delivered = [await h.deliver(message('new one'), { flags: ['$Fresh'] }), await h.deliver(message('new two'))];
    assert.deepEqual(delivered, [COUNT + 1, COUNT + 2]);

    // A session opened now sees the store's state at once, from the updated table.
    const c = h.session({ enable: ['CONDSTORE'] });
    const opened = await c.run('c1 SELECT INBOX');
    const f = await folder();
    assert.equal(existsOf(opened), COUNT - 10 - 1 + 2);
    assert.equal(existsOf(opened), f.messages);
    assert.match(opened, new RegExp(`\\* OK \\[HIGHESTMODSEQ ${f.highestModseq}\\] `));
    assert.match(opened, new RegExp(`\\* OK \\[UIDNEXT ${f.uidNext}\\] `));
    assert.match(opened, /\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Urgent \$Work \$Fresh\)\r\n/);
    assert.match(opened, /\* OK \[UNSEEN 3\] /);
    await assertSeesTruth(c, 'c2');

    // The older session catches up by updates: the expunges (one EXPUNGE per message, each
    // number as it is then), the two new messages, and the flag changes it was not told.
    const updates = await a.noop();
    const expunged = [...updates.matchAll(/\* (\d+) EXPUNGE\r\n/g)].map((m) => Number(m[1]));
    assert.deepEqual(expunged, [...Array<number>(10).fill(50), COUNT - 10]);
    assert.equal(existsOf(updates), f.messages);
    for (const uid of [1, 3, 10, 100, 200, 300]) assert.match(updates, new RegExp(`\\* \\d+ FETCH \\(UID ${uid} FLAGS \\([^)]*\\) MODSEQ \\(\\d+\\)\\)\r\n`));
    assert.doesNotMatch(updates, /UID 11 /);
    await assertSeesTruth(a, 'a2');
    assert.equal(await a.noop(), 'n1 OK NOOP completed\r\n');
    assert.equal(await a.run(`a3 UID FETCH 1:* (UID) (CHANGEDSINCE ${base})`).then((t) => (t.match(/FETCH/g) ?? []).length),
      (await truth()).filter((m) => m.modseq > base).length);

    // `b` heard the store's flag change after its own STOREs; now the move and the deliveries.
    const bUpdates = await b.noop();
    assert.match(bUpdates, new RegExp(`^\\* ${COUNT - 10} EXPUNGE\r\n`));
    assert.equal(existsOf(bUpdates), f.messages);
    assert.doesNotMatch(bUpdates, / FETCH /);
    await assertSeesTruth(b, 'b6');
  });

  it('gives a QRESYNC client what changed since its MODSEQ, from the shared table', async () => {
    const before = await folder();
    const old = await truth();
    await h.store.store.setFlags(h.alice.id, 'INBOX', [old[5]!.uid], 'add', ['$Later']);
    await h.store.store.expunge(h.alice.id, 'INBOX', [old[6]!.uid]);
    const q = h.session({ enable: ['QRESYNC'] });
    const text = await q.run(`q1 SELECT INBOX (QRESYNC (${before.uidValidity} ${before.highestModseq}))`);
    assert.equal(existsOf(text), old.length - 1);
    assert.match(text, new RegExp(`\\* VANISHED \\(EARLIER\\) ${old[6]!.uid}\r\n`));
    assert.match(text, new RegExp(`\\* 6 FETCH \\(UID ${old[5]!.uid} FLAGS \\([^)]*\\$Later\\) MODSEQ \\(\\d+\\)\\)\r\n`));
    assert.equal((text.match(/ FETCH /g) ?? []).length, 1);
    await assertSeesTruth(q, 'q2');
  });

  it('opens many sessions at once while changes land, each consistent with what it was told', async () => {
    const sessions = Array.from({ length: 8 }, () => h.session({ enable: ['CONDSTORE'] }));
    const changes = (async () => {
      for (let i = 0; i < 8; i++) {
        const rows = await truth();
        await h.store.store.setFlags(h.alice.id, 'INBOX', [rows[100 + i]!.uid], 'add', ['\\Flagged']);
        await h.deliver(message(`during ${i}`));
      }
    })();
    const opened = await Promise.all(sessions.map((s, i) => s.run(`s${i} SELECT INBOX`)));
    await changes;
    for (const [i, s] of sessions.entries()) {
      assert.ok(existsOf(opened[i]!) > 0);
      await s.noop();
      await assertSeesTruth(s, `t${i}`);
    }
  });

  it('follows a rename, and never serves a deleted folder\'s table to a new one of the same name', async () => {
    await h.store.store.createFolder(h.alice.id, 'Old');
    for (const s of ['x', 'y', 'z']) await h.deliver(message(s), { folder: 'Old', flags: ['\\Seen'] });
    const s1 = h.session();
    assert.equal(existsOf(await s1.run('r1 SELECT Old')), 3);
    await h.store.store.renameFolder(h.alice.id, 'Old', 'New');
    const s2 = h.session();
    assert.equal(existsOf(await s2.run('r2 SELECT New')), 3);
    assert.equal(await s2.run('r3 FETCH 1:* (UID FLAGS)'), fetchLines(await h.store.store.messageFlags(h.alice.id, 'New')) + 'r3 OK Fetch completed\r\n');
    await s2.run('r4 UNSELECT');
    await s1.run('r5 UNSELECT');
    await h.store.store.deleteFolder(h.alice.id, 'New');
    await h.store.store.createFolder(h.alice.id, 'New');
    await h.deliver(message('only'), { folder: 'New' });
    const s3 = h.session();
    const text = await s3.run('r6 SELECT New');
    assert.equal(existsOf(text), 1);
    assert.equal(await s3.run('r7 FETCH 1:* (UID FLAGS)'), '* 1 FETCH (UID 1 FLAGS ())\r\nr7 OK Fetch completed\r\n');
  });
});
