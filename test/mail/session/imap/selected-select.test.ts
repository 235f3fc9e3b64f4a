// SELECT, EXAMINE, CLOSE, UNSELECT and CHECK against a real store: the exact opening responses
// in IMAP4rev1 and IMAP4rev2 mode, CONDSTORE and QRESYNC parameters, reselecting, and failures.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { message } from '../../store/store-fixture.js';
import { selectedHarness, type SelectedHarness } from './selected-harness.js';

describe('SELECT and EXAMINE', () => {
  let h: SelectedHarness;
  let validity: number;
  let mailboxId: string;
  beforeEach(async () => {
    h = await selectedHarness();
    await h.deliver(message('one'), { flags: ['\\Seen'] });
    await h.deliver(message('two'));
    await h.deliver(message('three'), { flags: ['$Label', '\\Seen'] });
    const inbox = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!;
    validity = inbox.uidValidity;
    mailboxId = inbox.mailboxId;
  });
  afterEach(async () => { await h.cleanup(); });

  it('SELECT in IMAP4rev1 mode', async () => {
    const s = h.session();
    assert.equal(await s.run('a1 SELECT INBOX'), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label \\*)] Flags permitted',
      '* 3 EXISTS',
      '* 0 RECENT',
      '* OK [UNSEEN 2] First unseen',
      `* OK [UIDVALIDITY ${validity}] UIDs valid`,
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      `* OK [MAILBOXID (${mailboxId})] Ok`,
      'a1 OK [READ-WRITE] SELECT completed',
      '',
    ].join('\r\n'));
    assert.equal(s.state.kind, 'selected');
    assert.equal(s.condstore, false);
  });

  it('EXAMINE is read-only: no permanent flags, and changes are refused', async () => {
    const s = h.session();
    const text = await s.run('a1 EXAMINE inbox');
    assert.match(text, /\* OK \[PERMANENTFLAGS \(\)\] No permanent flags permitted\r\n/);
    assert.match(text, /a1 OK \[READ-ONLY\] EXAMINE completed\r\n$/);
    assert.equal(await s.run('a2 STORE 1 +FLAGS (\\Deleted)'), 'a2 NO [READ-ONLY] Mailbox is read-only (EXAMINE)\r\n');
    assert.equal(await s.run('a3 EXPUNGE'), 'a3 NO [READ-ONLY] Mailbox is read-only (EXAMINE)\r\n');
    assert.equal(await s.run('a4 MOVE 1 Trash'), 'a4 NO [READ-ONLY] Mailbox is read-only (EXAMINE)\r\n');
    assert.equal(await s.run('a5 COPY 1 Trash'), `a5 OK [COPYUID ${(await h.store.store.getFolder(h.alice.id, 'Trash'))!.uidValidity} 1 1] Copy completed\r\n`);
  });

  it('SELECT in IMAP4rev2 mode: no RECENT or UNSEEN, a LIST response, CLOSED when reselecting', async () => {
    await h.store.store.createFolder(h.alice.id, 'Reports/Q3 ümlaut');
    const s = h.session({ enable: ['IMAP4REV2'] });
    assert.equal(await s.run('a1 SELECT INBOX'), [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label \\*)] Flags permitted',
      '* 3 EXISTS',
      `* OK [UIDVALIDITY ${validity}] UIDs valid`,
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      `* OK [MAILBOXID (${mailboxId})] Ok`,
      '* LIST () "/" "INBOX"',
      'a1 OK [READ-WRITE] SELECT completed',
      '',
    ].join('\r\n'));
    const second = await s.run('a2 EXAMINE "Reports/Q3 ümlaut"');
    assert.ok(second.startsWith('* OK [CLOSED] Previous mailbox closed\r\n* FLAGS'), second);
    // The transcript is latin1: the UTF-8 name appears as its octets.
    assert.ok(second.includes(`* LIST () "/" ${Buffer.from('"Reports/Q3 ümlaut"').toString('latin1')}\r\n`), second);
  });

  it('a failed SELECT leaves no mailbox selected', async () => {
    const s = h.session();
    await s.run('a1 SELECT INBOX');
    assert.equal(await s.run('a2 SELECT Nowhere'), 'a2 NO [NONEXISTENT] No such mailbox\r\n');
    assert.equal(s.state.kind, 'authenticated');
    assert.equal(await s.run('a3 FETCH 1 (UID)'), 'a3 BAD FETCH is not valid in this state\r\n');
  });

  it('SELECT (CONDSTORE) turns CONDSTORE on; QRESYNC needs ENABLE', async () => {
    const s = h.session();
    await s.run('a1 SELECT INBOX (CONDSTORE)');
    assert.equal(s.condstore, true);
    assert.equal(await s.run(`a2 SELECT INBOX (QRESYNC (${validity} 1))`), 'a2 BAD QRESYNC parameter needs ENABLE QRESYNC first\r\n');
  });

  it('SELECT (QRESYNC ...) reports what vanished and what changed since the client\'s MODSEQ', async () => {
    const since = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    await h.deliver(message('four'));
    await h.store.store.setFlags(h.alice.id, 'INBOX', [1], 'add', ['\\Flagged']);
    await h.store.store.expunge(h.alice.id, 'INBOX', [2]);
    const now = (await h.store.store.getFolder(h.alice.id, 'INBOX'))!.highestModseq;
    const s = h.session({ enable: ['QRESYNC'] });
    const text = await s.run(`a1 SELECT INBOX (QRESYNC (${validity} ${since} 1:3))`);
    assert.ok(text.endsWith([
      `* OK [HIGHESTMODSEQ ${now}] Highest`,
      `* OK [MAILBOXID (${mailboxId})] Ok`,
      '* VANISHED (EARLIER) 2',
      `* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged) MODSEQ (${now - 1}))`,
      `* 3 FETCH (UID 4 FLAGS () MODSEQ (${now - 2}))`,
      'a1 OK [READ-WRITE] SELECT completed',
      '',
    ].join('\r\n')), text);
    assert.match(text, /\* 3 EXISTS\r\n/);
    // Known UIDs limit VANISHED; another UIDVALIDITY means no resync data at all.
    const narrow = await s.run(`a2 SELECT INBOX (QRESYNC (${validity} ${since} 1,3:4))`);
    assert.ok(narrow.startsWith('* OK [CLOSED] Previous mailbox closed\r\n'));
    assert.doesNotMatch(narrow, /VANISHED/);
    const stale = await s.run(`a3 SELECT INBOX (QRESYNC (${validity + 1} ${since}))`);
    assert.doesNotMatch(stale, /VANISHED|FETCH/);
  });

  it('CLOSE expunges \\Deleted silently; UNSELECT and CLOSE under EXAMINE do not', async () => {
    const s = h.session();
    await s.run('a1 SELECT INBOX');
    await s.run('a2 STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    assert.equal(await s.run('a3 UNSELECT'), 'a3 OK Unselect completed\r\n');
    assert.equal((await h.store.store.getFolder(h.alice.id, 'INBOX'))!.messages, 3);
    await s.run('a4 EXAMINE INBOX');
    assert.equal(await s.run('a5 CLOSE'), 'a5 OK Close completed\r\n');
    assert.equal((await h.store.store.getFolder(h.alice.id, 'INBOX'))!.messages, 3);
    await s.run('a6 SELECT INBOX');
    assert.equal(await s.run('a7 CHECK'), 'a7 OK Check completed\r\n');
    assert.equal(await s.run('a8 CLOSE'), 'a8 OK Close completed\r\n', 'no EXPUNGE responses');
    assert.equal(s.state.kind, 'authenticated');
    assert.deepEqual((await h.store.store.listMessages(h.alice.id, 'INBOX')).map((m) => m.uid), [2]);
    assert.equal(await s.run('a9 CLOSE'), 'a9 BAD CLOSE is not valid in this state\r\n');
  });
});
