// Two sessions on one folder, each with its own SelectedMailbox over the same real store: what
// one does reaches the other as EXISTS, EXPUNGE (or VANISHED) and FETCH FLAGS, with sequence
// numbers that stay right while expunges are held back; IDLE pushes changes as they happen;
// a folder renamed or deleted underneath; and the cost of FETCH 1:* FLAGS on a large folder.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SelectedMailbox } from '../../../../mail/session/imap/selected/selected-mailbox.js';
import { message } from '../../store/store-fixture.js';
import { countingStore, eventually, selectedHarness, type SelectedHarness, type TestSession } from './selected-harness.js';

describe('two sessions on one folder', () => {
  let h: SelectedHarness;
  let s1: TestSession;
  let s2: TestSession;
  beforeEach(async () => {
    h = await selectedHarness();
    for (const subject of ['a', 'b', 'c']) await h.deliver(message(subject));
    s1 = h.session();
    s2 = h.session();
    await s1.run('s SELECT INBOX');
    await s2.run('s SELECT INBOX');
  });
  afterEach(async () => { await h.cleanup(); });

  it('new mail is EXISTS at the next command', async () => {
    await h.deliver(message('d'));
    assert.equal(await s1.noop(), '* 4 EXISTS\r\nn1 OK NOOP completed\r\n');
    assert.equal(await s1.noop(), 'n1 OK NOOP completed\r\n');
    // UID FETCH of a message not yet announced finds nothing; the EXISTS follows the command.
    assert.equal(await s2.run('f UID FETCH 4 (UID)'), '* 4 EXISTS\r\nf OK Fetch completed\r\n');
    assert.equal(await s2.run('f UID FETCH 4 (UID)'), '* 4 FETCH (UID 4)\r\nf OK Fetch completed\r\n');
  });

  it('holds expunges back during FETCH, STORE and SEARCH, and counts them in EXISTS meanwhile', async () => {
    await s2.run('x STORE 2 +FLAGS.SILENT (\\Deleted)');
    assert.equal(await s2.run('x EXPUNGE'), '* 2 EXPUNGE\r\nx OK Expunge completed\r\n');
    assert.equal(await s1.run('f1 FETCH 1:3 (UID)'), '* 1 FETCH (UID 1)\r\n* 3 FETCH (UID 3)\r\nf1 NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n');
    await h.deliver(message('d'));
    assert.equal(await s1.run('f2 SEARCH ALL'), '* SEARCH 1 3\r\n* 4 EXISTS\r\nf2 OK Search completed\r\n', 'message 2 still holds its number');
    assert.equal(await s1.run('f3 STORE 4 +FLAGS (\\Flagged)'), '* 4 FETCH (FLAGS (\\Flagged))\r\nf3 OK Store completed\r\n');
    // UID SEARCH may see expunges: they follow the results.
    assert.equal(await s1.run('f4 UID SEARCH ALL'), '* SEARCH 1 3 4\r\n* 2 EXPUNGE\r\nf4 OK Search completed\r\n');
    assert.equal(await s1.run('f5 FETCH 1:* (UID FLAGS)'), '* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 3 FLAGS ())\r\n* 3 FETCH (UID 4 FLAGS (\\Flagged))\r\nf5 OK Fetch completed\r\n');
    // s2 learns of message 4 with the flags it has now: the flag change needs no FETCH of its own.
    assert.equal(await s2.noop(), '* 3 EXISTS\r\nn1 OK NOOP completed\r\n');
    assert.equal(await s2.run('f FETCH 3 (FLAGS)'), '* 3 FETCH (FLAGS (\\Flagged))\r\nf OK Fetch completed\r\n');
  });

  it('reports the other session\'s flag changes, with MODSEQ once CONDSTORE is on', async () => {
    await s2.run('x STORE 1 +FLAGS (\\Seen)');
    assert.equal(await s1.noop(), '* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nn1 OK NOOP completed\r\n');
    s1.condstore = true;
    await s2.run('x STORE 3 +FLAGS ($Later)');
    const modseq = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    assert.equal(await s1.noop(), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] Flags permitted',
      `* 3 FETCH (UID 3 FLAGS ($Later) MODSEQ (${modseq}))`,
      'n1 OK NOOP completed',
      '',
    ].join('\r\n'));
    // A change and its undoing before the client looks: nothing to tell.
    await s2.run('x STORE 2 +FLAGS (\\Seen)');
    await s2.run('x STORE 2 -FLAGS (\\Seen)');
    const text = await s1.noop();
    assert.ok(text === 'n1 OK NOOP completed\r\n' || /^\* 2 FETCH \(UID 2 FLAGS \(\) MODSEQ \(\d+\)\)\r\n/.test(text), text);
  });

  it('QRESYNC sessions hear VANISHED', async () => {
    const q = h.session({ enable: ['QRESYNC'] });
    await q.run('s SELECT INBOX');
    await s2.run('x STORE 1:2 +FLAGS.SILENT (\\Deleted)');
    await s2.run('x EXPUNGE');
    const modseq = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    const text = await q.noop();
    assert.ok(text.startsWith('* VANISHED 1:2\r\n'), text);
    assert.ok(text.endsWith(`* OK [HIGHESTMODSEQ ${modseq}] Highest\r\nn1 OK NOOP completed\r\n`), text);
  });

  it('IDLE pushes new mail, flag changes and expunges as they happen', async () => {
    const idle = await s1.idle();
    assert.equal(s1.take(), '+ idling\r\n');
    await h.deliver(message('d'));
    await eventually(() => s1.output.includes('* 4 EXISTS\r\n'));
    await s2.run('x STORE 2 +FLAGS (\\Flagged)');
    await eventually(() => s1.output.includes('* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n'));
    await s2.run('x STORE 1 +FLAGS.SILENT (\\Deleted)');
    await s2.run('x EXPUNGE');
    await eventually(() => s1.output.includes('* 1 EXPUNGE\r\n'));
    assert.equal(await idle.done(), '* 4 EXISTS\r\n* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\n* 1 FETCH (UID 1 FLAGS (\\Deleted))\r\n* 1 EXPUNGE\r\ni1 OK IDLE terminated\r\n');
    const view = s1.state.kind === 'selected' ? s1.state.mailbox : null;
    assert.ok(view instanceof SelectedMailbox);
    assert.equal(view.onUpdate, null);
    assert.equal(view.count, 3);
  });

  it('IDLE in the authenticated state only waits for DONE', async () => {
    const s = h.session();
    const idle = await s.idle('i2');
    await h.deliver(message('d'));
    assert.equal(await idle.done(), '+ idling\r\ni2 OK IDLE terminated\r\n');
  });

  it('follows a rename and ends the selection when the folder is deleted', async () => {
    await h.store.store.createFolder(h.alice.id, 'Projects');
    await h.deliver(message('p'), { folder: 'Projects' });
    await s1.run('s SELECT Projects');
    await h.store.store.renameFolder(h.alice.id, 'Projects', 'Done');
    await h.deliver(message('q'), { folder: 'Done' });
    assert.equal(await s1.noop(), '* 2 EXISTS\r\nn1 OK NOOP completed\r\n');
    assert.equal(s1.state.kind === 'selected' && s1.state.mailbox.folder, 'Done');
    await h.store.store.deleteFolder(h.alice.id, 'Done');
    assert.equal(await s1.noop(), '* OK [CLOSED] Mailbox was deleted, no mailbox is selected now\r\nn1 OK NOOP completed\r\n');
    assert.equal(s1.state.kind, 'authenticated');
    assert.equal(await s1.run('f FETCH 1 (UID)'), 'f BAD FETCH is not valid in this state\r\n');
  });

  it('a command on a deleted folder before any update is NO [NONEXISTENT] and leaves the selection', async () => {
    await h.store.store.createFolder(h.alice.id, 'Gone');
    await s1.run('s SELECT Gone');
    await h.store.store.deleteFolder(h.alice.id, 'Gone');
    // The deletion is noticed at the update after this FETCH (an empty folder fetches nothing).
    assert.equal(await s1.run('f UID FETCH 1:* (UID)'), '* OK [CLOSED] Mailbox was deleted, no mailbox is selected now\r\nf OK Fetch completed\r\n');
    assert.equal(s1.state.kind, 'authenticated');
  });
});

describe('a large folder', () => {
  let h: SelectedHarness;
  beforeEach(async () => { h = await selectedHarness(); });
  afterEach(async () => { await h.cleanup(); });

  it('FETCH 1:* (UID FLAGS) over 12,800 messages is batched and answered in pieces', async (t) => {
    for (let i = 0; i < 50; i++) await h.deliver(message(`m${i}`), { flags: i % 3 === 0 ? ['\\Seen'] : [] });
    const all = () => h.store.store.messageFlags(h.alice.id, 'INBOX');
    for (let round = 0; round < 8; round++) await h.store.store.copyMessages(h.alice.id, 'INBOX', (await all()).map((m) => m.uid), 'INBOX');
    const total = (await all()).length;
    assert.equal(total, 12_800);
    const counting = countingStore(h.store.store);
    const s = h.session({ deps: { mailStore: counting.store } });
    await s.run('s SELECT INBOX');
    counting.calls.clear();
    s.sendSizes = [];
    const started = Date.now();
    const text = await s.run('f FETCH 1:* (UID FLAGS)');
    const elapsed = Date.now() - started;
    assert.equal((text.match(/ FETCH \(UID \d+ FLAGS/g) ?? []).length, total);
    assert.ok(text.startsWith('* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\n'));
    assert.ok(text.endsWith(`* ${total} FETCH (UID ${total} FLAGS ())\r\nf OK Fetch completed\r\n`));
    assert.deepEqual([...counting.calls.entries()], [], 'answered from the view: no store call');
    assert.ok(s.sendSizes.length >= 2 && Math.max(...s.sendSizes) < 400_000, `${s.sendSizes.length} pieces, largest ${Math.max(...s.sendSizes)}`);
    // The pieces together are the whole answer, each ending on a line boundary: nothing lost,
    // duplicated or cut mid-response between pieces.
    assert.equal(s.sendSizes.reduce((a, b) => a + b, 0), Buffer.byteLength(text, 'latin1'));
    let at = 0;
    for (const size of s.sendSizes) {
      at += size;
      assert.equal(text.slice(at - 2, at), '\r\n', `piece ending at octet ${at} ends a line`);
    }
    // Timing is for the log only: the machine running the tests may be loaded.
    t.diagnostic(`FETCH 1:* (UID FLAGS) of ${total} messages took ${elapsed} ms in ${s.sendSizes.length} pieces`);
  });
});
