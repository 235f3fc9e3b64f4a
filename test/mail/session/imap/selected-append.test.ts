// APPEND through the AppendSpec against a real store: APPENDUID, flags and internal date kept,
// refusals before any octet (TRYCREATE, OVERQUOTA, TOOBIG, empty, \Recent), an aborted APPEND
// leaving nothing, and a message appended to the selected folder showing up as EXISTS.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { APPEND } from '../../../../mail/session/imap/commands/selected.js';
import { readAll } from '../../store/store-fixture.js';
import { selectedHarness, type SelectedHarness } from './selected-harness.js';

const MESSAGE = Buffer.from('From: a@example.com\r\nTo: alice@example.test\r\nSubject: Draft\r\n\r\nText of the draft.\r\n'.repeat(1));

describe('APPEND', () => {
  let h: SelectedHarness;
  afterEach(async () => { await h.cleanup(); });

  it('stores the message with its flags and date and answers APPENDUID', async () => {
    h = await selectedHarness();
    const s = h.session();
    const drafts = (await h.store.store.getFolder(h.alice.id, 'Drafts'))!;
    const date = new Date('2025-05-05T05:05:05Z');
    assert.equal(await s.append('a1', 'Drafts', MESSAGE, { flags: ['\\Draft', '$Todo'], internalDate: date, chunkSize: 7 }),
      `a1 OK [APPENDUID ${drafts.uidValidity} 1] Append completed\r\n`);
    const stored = (await h.store.store.getMessage(h.alice.id, 'Drafts', 1))!;
    assert.deepEqual(stored.flags, ['\\Draft', '$Todo']);
    assert.equal(stored.internalDate.toISOString(), date.toISOString());
    assert.equal(stored.index.subject, 'Draft');
    assert.deepEqual(await readAll(h.store.store.openMessage(stored.blobId)), MESSAGE, 'every chunk copied, although the reader reuses its buffer');
    assert.equal(await s.append('a2', 'Drafts', MESSAGE), `a2 OK [APPENDUID ${drafts.uidValidity} 2] Append completed\r\n`);
  });

  it('refuses before any octet: no such mailbox, over quota, too big, empty, \\Recent', async () => {
    h = await selectedHarness({ aliceQuota: MESSAGE.length * 2 - 1, appendLimit: 1000 });
    const s = h.session();
    assert.equal(await s.append('a1', 'Nowhere', MESSAGE), 'a1 NO [TRYCREATE] No such mailbox\r\n');
    assert.match(await s.append('a2', 'INBOX', MESSAGE), /^a2 OK \[APPENDUID \d+ 1\] Append completed\r\n$/);
    assert.equal(await s.append('a3', 'INBOX', MESSAGE), 'a3 NO [OVERQUOTA] Quota exceeded\r\n');
    assert.equal(await s.append('a4', 'INBOX', Buffer.alloc(1001, 0x41)), 'a4 NO [TOOBIG] Message is larger than the APPENDLIMIT\r\n');
    assert.equal(await s.append('a5', 'INBOX', Buffer.alloc(0)), 'a5 NO Cannot save an empty message\r\n');
    assert.equal(await s.append('a6', 'INBOX', MESSAGE, { flags: ['\\Recent'] }), 'a6 BAD Flag \\Recent cannot be set\r\n');
    assert.equal((await h.store.store.getFolder(h.alice.id, 'INBOX'))!.messages, 1);
  });

  it('an aborted APPEND leaves nothing', async () => {
    h = await selectedHarness();
    const s = h.session();
    const sink = await APPEND.begin(s, {
      tag: 'a1', name: 'APPEND', mailbox: 'INBOX', flags: [], message: { size: MESSAGE.length, binary: false, synchronizing: true },
    });
    await sink.write(MESSAGE.subarray(0, 20));
    await sink.abort();
    assert.equal((await h.store.store.getFolder(h.alice.id, 'INBOX'))!.messages, 0);
    assert.equal((await h.store.store.usage(h.alice.id)).bytes, 0);
  });

  it('a large message streams through with backpressure', async () => {
    h = await selectedHarness();
    const s = h.session();
    const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(5_000_000, 0x61)]);
    assert.match(await s.append('a1', 'INBOX', big, { chunkSize: 65_536 }), /^a1 OK \[APPENDUID \d+ 1\] Append completed\r\n$/);
    assert.equal((await h.store.store.getMessage(h.alice.id, 'INBOX', 1))!.size, big.length);
  });

  it('appending to the selected folder shows up as EXISTS', async () => {
    h = await selectedHarness();
    const s = h.session();
    await s.run('s SELECT INBOX');
    const inbox = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!;
    assert.equal(await s.append('a1', 'INBOX', MESSAGE), `* 1 EXISTS\r\na1 OK [APPENDUID ${inbox.uidValidity} 1] Append completed\r\n`);
  });
});
