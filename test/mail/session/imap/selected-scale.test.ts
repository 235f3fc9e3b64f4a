// SELECT and FETCH 1:* (UID FLAGS) of a 100,000-message folder through the real command
// handlers and store. Timings are printed, not asserted (machines differ); the answers are
// asserted. A few small cases first pin down that a flags-only FETCH gives the flags as they are
// now (changed by this session or another, expunged meanwhile, CHANGEDSINCE). Rows are written straight into the tables as in test/mail/store/imap-scale.test.ts,
// since delivering 100,000 messages would take minutes.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { message } from '../../store/store-fixture.js';
import { fillLargeInbox, flagsOf } from './large-inbox.js';
import { selectedHarness, type SelectedHarness } from './selected-harness.js';

const COUNT = 100_000;

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const out = await run();
  const used = process.cpuUsage(cpu);
  console.log(`  ${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms (CPU ${((used.user + used.system) / 1000).toFixed(1)} ms)`);
  return out;
}

describe('FETCH of UID, FLAGS and MODSEQ only', () => {
  let h: SelectedHarness;
  before(async () => {
    h = await selectedHarness();
    for (const subject of ['a', 'b', 'c', 'd']) await h.deliver(message(subject), { flags: subject === 'a' ? ['\\Seen'] : [] });
  });
  after(async () => { await h.cleanup(); });

  it('gives the flags as they are now, whoever changed them, and says EXPUNGEISSUED', async () => {
    const s = h.session({ enable: ['CONDSTORE'] });
    const other = h.session();
    await s.run('s SELECT INBOX');
    await other.run('o SELECT INBOX');
    const base = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    await s.run('s1 STORE 2 +FLAGS.SILENT ($Mine)');
    await other.run('o1 STORE 3 +FLAGS (\\Flagged)');
    await other.run('o2 STORE 4 +FLAGS.SILENT (\\Deleted)');
    await other.run('o3 UID EXPUNGE 4');
    const m = (uid: number) => h.store.store.messageFlags(h.alice.id, 'INBOX', [uid]).then((r) => r[0]!.modseq);
    const [m1, m2, m3] = [await m(1), await m(2), await m(3)];
    assert.equal(await s.run('f1 FETCH 1:4 (UID FLAGS MODSEQ)'),
      `* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (${m1}))\r\n` +
      `* 2 FETCH (UID 2 FLAGS ($Mine) MODSEQ (${m2}))\r\n` +
      `* 3 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ (${m3}))\r\n` +
      'f1 NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n');
    assert.equal(await s.run(`f2 FETCH 1:3 (FLAGS) (CHANGEDSINCE ${base})`), `* 2 FETCH (FLAGS ($Mine) MODSEQ (${m2}))\r\n* 3 FETCH (FLAGS (\\Flagged) MODSEQ (${m3}))\r\nf2 OK Fetch completed\r\n`);
    assert.equal(await s.run('f3 FETCH 2 (UID THREADID SAVEDATE)'), '* 2 FETCH (UID 2 THREADID NIL SAVEDATE NIL)\r\nf3 OK Fetch completed\r\n');
    assert.equal(await s.noop(), '* 4 EXPUNGE\r\n* OK [HIGHESTMODSEQ ' + (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq + '] Highest\r\nn1 OK NOOP completed\r\n');
  });

  it('after a rename by another session, still answers from the renamed folder', async () => {
    await h.store.store.createFolder(h.alice.id, 'Old');
    await h.deliver(message('r'), { folder: 'Old', flags: ['\\Draft'] });
    const s = h.session();
    await s.run('s SELECT Old');
    await h.store.store.renameFolder(h.alice.id, 'Old', 'New');
    await h.store.store.setFlags(h.alice.id, 'New', [1], 'add', ['\\Seen']);
    const text = await s.run('f1 UID FETCH 1 (FLAGS)');
    // The view follows the rename at the update after this FETCH; the client learns the flags
    // either from the FETCH or from that update.
    assert.match(text, /^\* 1 FETCH \(UID 1 FLAGS \(\\Draft \\Seen\)\)\r\nf1 (OK|NO)/);
    assert.match(await s.run('f2 UID FETCH 1 (FLAGS)'), /^\* 1 FETCH \(UID 1 FLAGS \(\\Draft \\Seen\)\)\r\nf2 OK/);
  });
});

describe(`SELECT and FETCH over ${COUNT.toLocaleString('en')} messages`, () => {
  let h: SelectedHarness;
  before(async () => {
    h = await selectedHarness();
    await fillLargeInbox(h, COUNT);
  });
  after(async () => { await h.cleanup(); });

  it('answers FETCH 1:* (UID FLAGS) for every message, flag changes of other sessions included', async () => {
    const s = h.session();
    const other = h.session();
    for (let i = 0; i < 3; i++) await timed(`store openFolder alone (run ${i + 1})`, () => h.store.store.openFolder(h.alice.id, 'INBOX'));
    for (let i = 0; i < 5; i++) await timed(`SELECT INBOX (run ${i + 1})`, () => s.run(`s${i} SELECT INBOX`));
    await other.run('o1 SELECT INBOX');
    // Another session changes a message: FETCH must give its flags as they are now.
    await other.run('o2 STORE 5 +FLAGS (\\Flagged)');
    s.sendSizes = [];
    const out = await timed('FETCH 1:* (UID FLAGS)', () => s.run('f1 FETCH 1:* (UID FLAGS)'));
    const lines = out.split('\r\n');
    assert.equal(lines.length, COUNT + 2);
    assert.equal(lines[0], '* 1 FETCH (UID 1 FLAGS (\\Seen))');
    assert.equal(lines[4], '* 5 FETCH (UID 5 FLAGS (\\Seen \\Flagged))');
    assert.equal(lines[6], '* 7 FETCH (UID 7 FLAGS (\\Seen $Work))');
    assert.equal(lines[COUNT - 1], `* ${COUNT} FETCH (UID ${COUNT} FLAGS (${flagsOf(COUNT)}))`);
    assert.equal(lines[COUNT], 'f1 OK Fetch completed');
    // Told already: NOOP reports nothing more.
    assert.equal(await s.noop(), 'n1 OK NOOP completed\r\n');
    assert.ok(Math.max(...s.sendSizes) < 1024 * 1024, 'sent in bounded pieces');
    await timed('FETCH 1:* (UID FLAGS) again', () => s.run('f2 FETCH 1:* (UID FLAGS)'));
    await timed('UID FETCH 1:* (FLAGS MODSEQ)', () => s.run('f3 UID FETCH 1:* (FLAGS MODSEQ)'));
  });
});
