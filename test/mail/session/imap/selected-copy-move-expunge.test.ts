// COPY, MOVE and EXPUNGE against a real store: COPYUID, TRYCREATE, OVERQUOTA, the order of
// MOVE's responses, and EXPUNGE numbering (RFC 9051's example order), with and without QRESYNC.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { message } from '../../store/store-fixture.js';
import { selectedHarness, type SelectedHarness } from './selected-harness.js';

describe('COPY, MOVE, EXPUNGE', () => {
  let h: SelectedHarness;
  afterEach(async () => { await h.cleanup(); });

  async function setup(options: { aliceQuota?: number | null } = {}) {
    h = await selectedHarness(options);
    for (const subject of ['a', 'b', 'c', 'd', 'e']) await h.deliver(message(subject));
  }
  const validity = async (folder: string) => (await h.store.store.getFolder(h.alice.id, folder))!.uidValidity;
  const uidsIn = async (folder: string) => (await h.store.store.listMessages(h.alice.id, folder)).map((m) => m.uid);

  it('COPY answers COPYUID with both sets in source order', async () => {
    await setup();
    const s = h.session();
    await s.run('s SELECT INBOX');
    const archive = await validity('Archive');
    assert.equal(await s.run('c1 COPY 2:3 Archive'), `c1 OK [COPYUID ${archive} 2:3 1:2] Copy completed\r\n`);
    assert.equal(await s.run('c2 UID COPY 5,1 Archive'), `c2 OK [COPYUID ${archive} 1,5 3:4] Copy completed\r\n`);
    assert.equal(await s.run('c3 UID COPY 77 Archive'), 'c3 OK Copy completed\r\n');
    assert.equal(await s.run('c4 COPY 1 Nowhere'), 'c4 NO [TRYCREATE] No such mailbox\r\n');
    assert.equal(await s.run('c5 COPY 9 Archive'), 'c5 BAD Invalid message sequence number\r\n');
    assert.deepEqual(await uidsIn('Archive'), [1, 2, 3, 4]);
    // Copying into the selected folder: the copies arrive as EXISTS.
    const inbox = await validity('INBOX');
    assert.equal(await s.run('c6 COPY 1 INBOX'), `* 6 EXISTS\r\nc6 OK [COPYUID ${inbox} 1 6] Copy completed\r\n`);
  });

  it('COPY past the quota is NO [OVERQUOTA] and copies nothing', async () => {
    await setup({ aliceQuota: message('a').length * 6 });
    const s = h.session();
    await s.run('s SELECT INBOX');
    assert.equal(await s.run('c1 COPY 1:2 Archive'), 'c1 NO [OVERQUOTA] Quota exceeded\r\n');
    assert.deepEqual(await uidsIn('Archive'), []);
    assert.match(await s.run('c2 COPY 1 Archive'), /^c2 OK \[COPYUID \d+ 1 1\] Copy completed\r\n$/);
  });

  it('MOVE: COPYUID first, then the expunges, then OK', async () => {
    await setup();
    const s = h.session();
    const other = h.session();
    await s.run('s SELECT INBOX');
    await other.run('o SELECT INBOX');
    const trash = await validity('Trash');
    assert.equal(await s.run('m1 MOVE 2,4 Trash'), `* OK [COPYUID ${trash} 2,4 1:2] Moved\r\n* 2 EXPUNGE\r\n* 3 EXPUNGE\r\nm1 OK Move completed\r\n`);
    assert.equal(await s.run('m2 UID MOVE 2 Trash'), 'm2 OK Move completed\r\n', 'a UID no longer there');
    assert.equal(await s.run('m3 MOVE 1 Nowhere'), 'm3 NO [TRYCREATE] No such mailbox\r\n');
    assert.equal(await s.run('m4 MOVE 1 INBOX'), 'm4 NO [CANNOT] Source and destination are the same mailbox\r\n');
    assert.deepEqual(await uidsIn('INBOX'), [1, 3, 5]);
    assert.deepEqual(await uidsIn('Trash'), [1, 2]);
    // The other session hears of it at its next command.
    assert.equal(await other.noop(), '* 2 EXPUNGE\r\n* 3 EXPUNGE\r\nn1 OK NOOP completed\r\n');
  });

  it('MOVE and EXPUNGE under QRESYNC answer VANISHED', async () => {
    await setup();
    const s = h.session({ enable: ['QRESYNC'] });
    await s.run('s SELECT INBOX');
    const trash = await validity('Trash');
    const moved = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq + 1;
    assert.equal(await s.run('m1 UID MOVE 1:2 Trash'),
      `* OK [COPYUID ${trash} 1:2 1:2] Moved\r\n* VANISHED 1:2\r\n* OK [HIGHESTMODSEQ ${moved}] Highest\r\nm1 OK Move completed\r\n`);
    await s.run('m2 STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    const modseq = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq + 1;
    assert.equal(await s.run('m3 EXPUNGE'), `* VANISHED 3,5\r\n* OK [HIGHESTMODSEQ ${modseq}] Highest\r\nm3 OK Expunge completed\r\n`);
  });

  it('EXPUNGE numbers each response as the sequence is at that moment', async () => {
    await setup();
    const s = h.session();
    await s.run('s SELECT INBOX');
    await s.run('x1 STORE 1,3,5 +FLAGS.SILENT (\\Deleted)');
    assert.equal(await s.run('x2 EXPUNGE'), '* 1 EXPUNGE\r\n* 2 EXPUNGE\r\n* 3 EXPUNGE\r\nx2 OK Expunge completed\r\n');
    assert.deepEqual(await uidsIn('INBOX'), [2, 4]);
    assert.equal(await s.run('x3 FETCH 1:* (UID)'), '* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 4)\r\nx3 OK Fetch completed\r\n');
  });

  it('UID EXPUNGE removes only the \\Deleted messages of its set', async () => {
    await setup();
    const s = h.session();
    await s.run('s SELECT INBOX');
    await s.run('x1 STORE 2:4 +FLAGS.SILENT (\\Deleted)');
    assert.equal(await s.run('x2 UID EXPUNGE 1:3'), '* 2 EXPUNGE\r\n* 2 EXPUNGE\r\nx2 OK Expunge completed\r\n');
    assert.deepEqual(await uidsIn('INBOX'), [1, 4, 5]);
  });

  it('EXPUNGE leaves a \\Deleted message the client has not been told of', async () => {
    await setup();
    const s = h.session();
    await s.run('s SELECT INBOX');
    await s.run('x1 STORE 5 +FLAGS.SILENT (\\Deleted)');
    await h.deliver(message('late'), { flags: ['\\Deleted'] });
    assert.equal(await s.run('x2 EXPUNGE'), '* 5 EXPUNGE\r\n* 5 EXISTS\r\nx2 OK Expunge completed\r\n');
    assert.deepEqual(await uidsIn('INBOX'), [1, 2, 3, 4, 6]);
    assert.equal(await s.run('x3 EXPUNGE'), '* 5 EXPUNGE\r\nx3 OK Expunge completed\r\n');
  });
});
