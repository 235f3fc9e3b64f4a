// STORE and UID STORE against a real store: the three operations, .SILENT, keywords (and the
// FLAGS response they bring), refused flags, UNCHANGEDSINCE with MODIFIED, and changes made by
// another session at the same time.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { message } from '../../store/store-fixture.js';
import { selectedHarness, type SelectedHarness, type TestSession } from './selected-harness.js';

describe('STORE', () => {
  let h: SelectedHarness;
  let s: TestSession;
  beforeEach(async () => {
    h = await selectedHarness();
    for (const subject of ['a', 'b', 'c']) await h.deliver(message(subject));
    s = h.session();
    await s.run('s SELECT INBOX');
  });
  afterEach(async () => { await h.cleanup(); });

  const modseq = async () => (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;

  it('adds, removes and replaces flags and answers with the flags as they are', async () => {
    assert.equal(await s.run('a1 STORE 1 +FLAGS (\\Flagged)'), '* 1 FETCH (FLAGS (\\Flagged))\r\na1 OK Store completed\r\n');
    assert.equal(await s.run('a2 STORE 1:2 FLAGS (\\Seen $Work)'), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
      '* 1 FETCH (FLAGS (\\Seen $Work))',
      '* 2 FETCH (FLAGS (\\Seen $Work))',
      'a2 OK Store completed',
      '',
    ].join('\r\n'));
    assert.equal(await s.run('a3 STORE 2 -FLAGS ($work)'), '* 2 FETCH (FLAGS (\\Seen))\r\na3 OK Store completed\r\n', 'keywords compare case-insensitively');
    assert.equal(await s.run('a4 UID STORE 3 +FLAGS (\\Answered)'), '* 3 FETCH (UID 3 FLAGS (\\Answered))\r\na4 OK Store completed\r\n');
    assert.equal(await s.run('a5 STORE 1 +FLAGS.SILENT (\\Draft)'), 'a5 OK Store completed\r\n');
    assert.equal(await s.run('a6 STORE 3 +FLAGS (\\Answered)'), '* 3 FETCH (FLAGS (\\Answered))\r\na6 OK Store completed\r\n', 'unchanged messages are answered too');
    assert.equal(await s.noop(), 'n1 OK NOOP completed\r\n', 'own changes are not reported again');
    assert.equal(await s.run('a7 FETCH 1 (FLAGS)'), '* 1 FETCH (FLAGS (\\Seen $Work \\Draft))\r\na7 OK Fetch completed\r\n');
  });

  it('refuses \\Recent and unknown system flags, and sequence numbers past the end', async () => {
    assert.equal(await s.run('a1 STORE 1 +FLAGS (\\Recent)'), 'a1 BAD Flag \\Recent cannot be set\r\n');
    assert.equal(await s.run('a2 STORE 1 +FLAGS (\\Important)'), 'a2 BAD Flag \\Important cannot be set\r\n');
    assert.equal(await s.run('a3 STORE 4 +FLAGS (\\Seen)'), 'a3 BAD Invalid message sequence number\r\n');
    assert.equal(await s.run('a4 UID STORE 4 +FLAGS (\\Seen)'), 'a4 OK Store completed\r\n');
  });

  it('UNCHANGEDSINCE stores only what did not change and lists the rest in MODIFIED', async () => {
    const before = await modseq();
    const other = h.session();
    await other.run('o SELECT INBOX');
    await other.run('o1 STORE 2 +FLAGS.SILENT (\\Flagged)');
    assert.equal(s.condstore, false);
    const text = await s.run(`a1 STORE 1:3 (UNCHANGEDSINCE ${before}) +FLAGS (\\Deleted)`);
    assert.equal(s.condstore, true);
    const after = await modseq();
    assert.equal(text, [
      `* 1 FETCH (UID 1 FLAGS (\\Deleted) MODSEQ (${after}))`,
      `* 3 FETCH (UID 3 FLAGS (\\Deleted) MODSEQ (${after}))`,
      `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${before + 1}))`,
      'a1 OK [MODIFIED 2] Conditional store failed for some messages',
      '',
    ].join('\r\n'));
    assert.equal(await s.run(`a2 UID STORE 2 (UNCHANGEDSINCE ${before}) -FLAGS (\\Flagged)`), 'a2 OK [MODIFIED 2] Conditional store failed for some messages\r\n');
  });

  it('reports flag changes by another session after STORE, even .SILENT, and in FETCH', async () => {
    const other = h.session();
    await other.run('o SELECT INBOX');
    assert.equal(await other.run('o1 STORE 3 +FLAGS ($Done)'), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done \\*)] Flags permitted',
      '* 3 FETCH (FLAGS ($Done))',
      'o1 OK Store completed',
      '',
    ].join('\r\n'));
    assert.equal(await s.run('a1 STORE 1 +FLAGS.SILENT (\\Seen)'), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done \\*)] Flags permitted',
      '* 3 FETCH (UID 3 FLAGS ($Done))',
      'a1 OK Store completed',
      '',
    ].join('\r\n'));
    assert.equal(await other.noop(), '* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nn1 OK NOOP completed\r\n');
    await other.run('o2 STORE 2 +FLAGS.SILENT (\\Answered)');
    assert.equal(await s.run('a2 FETCH 2 (FLAGS)'), '* 2 FETCH (FLAGS (\\Answered))\r\na2 OK Fetch completed\r\n');
    assert.equal(await s.noop(), 'n1 OK NOOP completed\r\n', 'FETCH FLAGS told it already');
  });
});
