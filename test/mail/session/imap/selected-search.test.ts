// SEARCH against a real store: a table with every search key, the IMAP4rev1 and ESEARCH answer
// forms, SAVE and `$`, MODSEQ, and the rule that a client only finds messages it was told of.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { selectedHarness, type SelectedHarness, type TestSession } from './selected-harness.js';

const M1 = [
  'From: Alice <alice@example.com>', 'To: Bob <bob@example.org>', 'Cc: carol@example.net', 'Subject: Quarterly report',
  'Date: Sun, 1 Jun 2025 10:00:00 +0000', 'Message-ID: <q1@example.com>', 'X-Priority: 1', '', 'The numbers are attached.', '',
].join('\r\n');
const M2 = [
  'From: Bob <bob@example.org>', 'To: alice@example.com', 'Bcc: dave@example.org', 'Subject: Re: Quarterly report',
  'Date: Tue, 3 Jun 2025 23:30:00 -0500', 'Message-ID: <q2@example.org>', 'In-Reply-To: <q1@example.com>', '', 'Thanks!', '',
].join('\r\n');
const M3 = ['From: carol@example.net', 'To: team@example.com', 'Subject: Lunch', '', 'lunch '.repeat(500), ''].join('\r\n');
const M4 = ['From: =?utf-8?q?=C3=89mile?= <emile@example.fr>', 'To: alice@example.com', 'Subject: =?utf-8?q?Caf=C3=A9?=', 'Date: Tue, 10 Jun 2025 11:59:00 +0000', '', 'Un café ?', ''].join('\r\n');

const size = (text: string) => Buffer.byteLength(text);

describe('SEARCH', () => {
  let h: SelectedHarness;
  let s: TestSession;
  let blob2: string;
  before(async () => {
    h = await selectedHarness();
    await h.deliver(M1, { internalDate: new Date('2025-06-01T10:00:00Z'), flags: ['\\Seen', '\\Answered', '$Work'] });
    await h.deliver(M2, { internalDate: new Date('2025-06-04T05:00:00Z'), flags: ['\\Flagged'] });
    await h.deliver(M3, { internalDate: new Date('2025-06-09T12:00:00Z'), flags: ['\\Deleted', '\\Draft'] });
    await h.deliver(M4, { internalDate: new Date('2025-06-10T11:59:00Z') });
    blob2 = (await h.store.store.getMessage(h.alice.id, 'INBOX', 2))!.blobId;
    s = h.session();
    await s.run('s SELECT INBOX');
  });
  after(async () => { await h.cleanup(); });

  const search = async (criteria: string) => {
    const text = await s.run(`t SEARCH ${criteria}`);
    const m = /^\* SEARCH([\d ]*)\r\nt OK Search completed\r\n$/.exec(text);
    assert.ok(m, `SEARCH ${criteria}: ${text}`);
    return m[1]!.trim();
  };

  const TABLE: Array<[string, string]> = [
    ['ALL', '1 2 3 4'],
    ['ANSWERED', '1'], ['UNANSWERED', '2 3 4'],
    ['DELETED', '3'], ['UNDELETED', '1 2 4'],
    ['DRAFT', '3'], ['UNDRAFT', '1 2 4'],
    ['FLAGGED', '2'], ['UNFLAGGED', '1 3 4'],
    ['SEEN', '1'], ['UNSEEN', '2 3 4'],
    ['NEW', ''], ['RECENT', ''], ['OLD', '1 2 3 4'],
    ['KEYWORD $Work', '1'], ['KEYWORD $work', '1'], ['UNKEYWORD $Work', '2 3 4'],
    ['BCC dave', '2'], ['BODY numbers', '1'], ['BODY NUMBERS', '1'], ['CC carol', '1'],
    ['FROM bob', '2'], ['FROM ALICE', '1'], ['TO alice', '2 4'], ['SUBJECT quarterly', '1 2'],
    ['CHARSET UTF-8 SUBJECT "café"', '4'], ['CHARSET UTF-8 FROM "émile"', '4'],
    ['TEXT thanks', '2'], ['TEXT lunch', '3'], ['TEXT quarterly', '1 2'],
    ['HEADER X-Priority 1', '1'], ['HEADER x-priority ""', '1'], ['HEADER In-Reply-To q1@example', '2'],
    ['BEFORE 4-Jun-2025', '1'], ['ON 4-Jun-2025', '2'], ['SINCE 9-Jun-2025', '3 4'], ['ON 1-Jan-2000', ''],
    // SENT* compare the Date field's UTC day: 3 Jun 23:30 -0500 is 4 Jun in UTC.
    // A message without a Date field (3) is compared by its internal date, as SORT does.
    ['SENTBEFORE 4-Jun-2025', '1'], ['SENTON 4-Jun-2025', '2'], ['SENTSINCE 2-Jun-2025', '2 3 4'], ['SENTON 9-Jun-2025', '3'],
    [`LARGER ${size(M3) - 1}`, '3'], [`SMALLER ${size(M2) + 1}`, '2 4'], [`SMALLER ${size(M4)}`, ''], [`LARGER ${size(M4) - 1} SMALLER ${size(M4) + 1}`, '4'],
    // WITHIN, relative to the session clock (12:00 on 10 June).
    ['OLDER 3600', '1 2 3'], ['YOUNGER 3600', '4'], ['YOUNGER 86401', '3 4'],
    ['UID 2:3', '2 3'], ['UID 3:*', '3 4'], ['UID 9:*', '4'], ['UID 7,8', ''],
    ['2,4', '2 4'], ['*:3', '3 4'], ['2:99', '2 3 4'],
    ['NOT SEEN', '2 3 4'], ['OR SEEN FLAGGED', '1 2'], ['(SEEN ANSWERED)', '1'], ['SEEN ANSWERED', '1'], ['NOT (SEEN ANSWERED)', '2 3 4'],
    ['OR (FROM alice SEEN) (NOT 1:3)', '1 4'], ['NOT NOT DELETED', '3'],
    ['EMAILID M_nope_', ''], ['THREADID T1', ''],
  ];
  for (const [criteria, expected] of TABLE) {
    it(criteria, async () => assert.equal(await search(criteria), expected));
  }

  it('EMAILID finds every copy of a body', async () => {
    assert.equal(await search(`EMAILID M${blob2}`), '2');
  });

  it('refuses charsets it does not know', async () => {
    assert.equal(await s.run('t SEARCH CHARSET X-NOPE SUBJECT a'), 't NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset X-NOPE\r\n');
  });

  it('MODSEQ turns CONDSTORE on and adds the highest MODSEQ of the matches', async () => {
    const m2 = (await h.store.store.messageFlags(h.alice.id, 'INBOX', [2]))[0]!.modseq;
    const m4 = (await h.store.store.messageFlags(h.alice.id, 'INBOX', [4]))[0]!.modseq;
    assert.equal(await s.run(`t SEARCH MODSEQ ${m2}`), `* SEARCH 2 3 4 (MODSEQ ${m4})\r\nt OK Search completed\r\n`);
    assert.equal(s.condstore, true);
    assert.equal(await s.run(`t UID SEARCH MODSEQ "/flags/\\\\Seen" all ${m2} FLAGGED`), `* SEARCH 2 (MODSEQ ${m2})\r\nt OK Search completed\r\n`);
    assert.equal(await s.run(`t SEARCH MODSEQ ${m4 + 100}`), '* SEARCH\r\nt OK Search completed\r\n');
  });

  it('ESEARCH answers RETURN options, and always under IMAP4rev2', async () => {
    assert.equal(await s.run('t SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN'), '* ESEARCH (TAG "t") MIN 2 MAX 4 COUNT 3 ALL 2:4\r\nt OK Search completed\r\n');
    assert.equal(await s.run('t UID SEARCH RETURN () SEEN'), '* ESEARCH (TAG "t") UID ALL 1\r\nt OK Search completed\r\n');
    assert.equal(await s.run('t SEARCH RETURN (COUNT) NEW'), '* ESEARCH (TAG "t") COUNT 0\r\nt OK Search completed\r\n');
    assert.equal(await s.run('t SEARCH RETURN (MIN) NEW'), '* ESEARCH (TAG "t")\r\nt OK Search completed\r\n');
    const rev2 = h.session({ enable: ['IMAP4REV2'] });
    await rev2.run('s SELECT INBOX');
    assert.equal(await rev2.run('t2 UID SEARCH OR SEEN DELETED'), '* ESEARCH (TAG "t2") UID ALL 1,3\r\nt2 OK Search completed\r\n');
  });

  it('SAVE keeps the result for $ (only MIN/MAX when those alone are asked)', async () => {
    assert.equal(await s.run('t SEARCH RETURN (SAVE) UNSEEN'), 't OK Search completed\r\n');
    assert.equal(await search('$'), '2 3 4');
    assert.equal(await search('$ DELETED'), '3');
    assert.equal(await s.run('t SEARCH RETURN (SAVE MIN MAX) UNSEEN'), '* ESEARCH (TAG "t") MIN 2 MAX 4\r\nt OK Search completed\r\n');
    assert.equal(await search('$'), '2 4');
    assert.equal(await s.run('t UID SEARCH RETURN (SAVE COUNT) SEEN'), '* ESEARCH (TAG "t") UID COUNT 1\r\nt OK Search completed\r\n');
    assert.equal(await s.run('t UID SEARCH UID $'), '* SEARCH 1\r\nt OK Search completed\r\n');
  });

  it('finds only messages the client was told of', async () => {
    await h.deliver(M1, { internalDate: new Date('2025-06-10T11:00:00Z') });
    assert.equal(await s.run('t SEARCH FROM alice'), '* SEARCH 1\r\n* 5 EXISTS\r\nt OK Search completed\r\n');
    assert.equal(await search('FROM alice'), '1 5');
  });
});
