// The selected-state commands through the real session engine and listener, over loopback:
// scripted exchanges of SELECT, FETCH (a body literal), STORE, SEARCH, MOVE; a synchronising
// APPEND that streams its literal and one refused before the literal; IDLE hearing another
// connection's delivery, flag change and expunge within a second.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { message } from '../../store/store-fixture.js';
import { ALICE_QUOTA, imapHarness, type ImapHarness } from './engine-harness.js';

describe('selected-state commands through the engine', () => {
  let h: ImapHarness;
  beforeEach(async () => {
    // An APPENDLIMIT above the quota, so that the quota is what refuses a large APPEND.
    h = await imapHarness({ limits: { appendLimit: 2 * ALICE_QUOTA } });
    for (const subject of ['one', 'two', 'three']) await h.deliver(message(subject));
  });
  afterEach(async () => { await h.close(); });

  it('SELECT, FETCH, STORE, SEARCH, MOVE in one session', async () => {
    const c = await h.login();
    const inbox = (await h.store.store.getFolder(h.aliceId, 'INBOX'))!;
    const trash = (await h.store.store.getFolder(h.aliceId, 'Trash'))!;
    const sel = await c.command('SELECT INBOX');
    assert.match(sel.tagged, /OK \[READ-WRITE\] SELECT completed$/);
    assert.ok(sel.untagged.includes('* 3 EXISTS'));
    assert.ok(sel.untagged.includes(`* OK [UIDVALIDITY ${inbox.uidValidity}] UIDs valid`));
    const raw = message('two');
    const f = await c.command('FETCH 2 (UID RFC822.SIZE BODY[])');
    assert.deepEqual(f.untagged, [`* 2 FETCH (UID 2 RFC822.SIZE ${raw.length} BODY[] {${raw.length}}\r\n${raw} FLAGS (\\Seen))`]);
    const st = await c.command('STORE 1:2 +FLAGS (\\Flagged)');
    assert.deepEqual(st.untagged, ['* 1 FETCH (FLAGS (\\Flagged))', '* 2 FETCH (FLAGS (\\Seen \\Flagged))']);
    assert.deepEqual((await c.command('SEARCH FLAGGED UNSEEN')).untagged, ['* SEARCH 1']);
    const mv = await c.command('UID MOVE 1:2 Trash');
    assert.deepEqual(mv.untagged, [`* OK [COPYUID ${trash.uidValidity} 1:2 1:2] Moved`, '* 1 EXPUNGE', '* 1 EXPUNGE']);
    assert.match(mv.tagged, /OK Move completed$/);
    assert.deepEqual((await c.command('FETCH 1:* (UID FLAGS)')).untagged, ['* 1 FETCH (UID 3 FLAGS ())']);
    assert.match((await c.command('LOGOUT')).tagged, /OK/);
  });

  it('APPEND streams a synchronising literal; over quota is refused before it', async () => {
    const c = await h.login();
    await c.command('SELECT INBOX');
    const drafts = (await h.store.store.getFolder(h.aliceId, 'Drafts'))!;
    const body = 'From: alice@example.test\r\nSubject: Draft\r\n\r\nStill writing.\r\n';
    c.send(`a1 APPEND Drafts (\\Draft) {${body.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.send(body + '\r\n');
    assert.deepEqual(await c.until('a1'), { untagged: [], tagged: `a1 OK [APPENDUID ${drafts.uidValidity} 1] Append completed` });
    c.send(`a2 APPEND INBOX {${body.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.send(body + '\r\n');
    const r = await c.until('a2');
    assert.deepEqual(r.untagged, ['* 4 EXISTS'], 'the new message of the selected folder');
    c.send(`a3 APPEND INBOX {${ALICE_QUOTA}}\r\n`);
    assert.equal(await c.line(), 'a3 NO [OVERQUOTA] Quota exceeded');
    assert.match((await c.command('NOOP')).tagged, /OK/);
  });

  it('IDLE hears another connection\'s delivery, flag change and expunge within a second', async () => {
    const idler = await h.login();
    const other = await h.login();
    await idler.command('SELECT INBOX');
    await other.command('SELECT INBOX');
    idler.send('i1 IDLE\r\n');
    assert.equal(await idler.line(), '+ idling');
    await h.deliver(message('four'));
    assert.equal(await idler.line(1000), '* 4 EXISTS');
    await other.command('STORE 1 +FLAGS (\\Answered)');
    assert.equal(await idler.line(1000), '* 1 FETCH (UID 1 FLAGS (\\Answered))');
    await other.command('STORE 2 +FLAGS.SILENT (\\Deleted)');
    assert.equal(await idler.line(1000), '* 2 FETCH (UID 2 FLAGS (\\Deleted))');
    await other.command('EXPUNGE');
    assert.equal(await idler.line(1000), '* 2 EXPUNGE');
    idler.send('DONE\r\n');
    assert.deepEqual(await idler.until('i1'), { untagged: [], tagged: 'i1 OK IDLE terminated' });
    assert.deepEqual((await idler.command('FETCH 1:* (UID)')).untagged, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', '* 3 FETCH (UID 4)']);
  });
});
