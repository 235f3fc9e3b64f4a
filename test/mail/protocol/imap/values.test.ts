import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatImapDateTime, parseImapDate, parseImapDateTime } from '../../../../mail/protocol/imap/imap-date.js';
import { compressNumbers, formatSequenceSet, sequenceSetIncludes } from '../../../../mail/protocol/imap/sequence-set.js';
import { parseAppendHead } from '../../../../mail/protocol/imap/parse-append.js';
import { ImapCommandReader } from '../../../../mail/protocol/imap/command-reader.js';
import { ImapParseError } from '../../../../mail/protocol/imap/errors.js';

test('dates: SEARCH dates', () => {
  assert.deepEqual(parseImapDate('1-Feb-2024'), { year: 2024, month: 2, day: 1 });
  assert.deepEqual(parseImapDate('29-feb-2024'), { year: 2024, month: 2, day: 29 });
  assert.equal(parseImapDate('29-Feb-2023'), null);
  assert.equal(parseImapDate('1-Foo-2024'), null);
  assert.equal(parseImapDate('001-Feb-2024'), null);
});

test('dates: APPEND date-time', () => {
  assert.equal(parseImapDateTime('05-Mar-2024 14:07:09 +0100')!.toISOString(), '2024-03-05T13:07:09.000Z');
  assert.equal(parseImapDateTime(' 5-Mar-2024 14:07:09 -0730')!.toISOString(), '2024-03-05T21:37:09.000Z');
  assert.equal(parseImapDateTime('05-Mar-2024 25:07:09 +0100'), null);
  assert.equal(parseImapDateTime('05-Mar-2024 14:07 +0100'), null);
  assert.equal(formatImapDateTime(new Date('2024-03-05T13:07:09Z'), 60), '"05-Mar-2024 14:07:09 +0100"');
  assert.equal(formatImapDateTime(new Date('2024-03-05T13:07:09Z')), '"05-Mar-2024 13:07:09 +0000"');
});

test('sequence sets: membership, formatting, compression', () => {
  const ranges = [{ start: 1, end: 3 } as const, { start: '*', end: 10 } as const];
  assert.ok(sequenceSetIncludes([...ranges], 2, 20));
  assert.ok(sequenceSetIncludes([...ranges], 15, 20));
  assert.ok(!sequenceSetIncludes([...ranges], 5, 20));
  assert.equal(formatSequenceSet({ kind: 'ranges', ranges: [{ start: 1, end: 3 }, { start: 5, end: 5 }, { start: 7, end: '*' }] }), '1:3,5,7:*');
  assert.equal(compressNumbers([7, 1, 2, 3, 5, 6, 3]), '1:3,5:7');
  assert.equal(compressNumbers([]), '');
});

function appendHead(wire: string) {
  const r = new ImapCommandReader();
  const [e] = r.feed(Buffer.from(wire));
  assert.equal(e?.type, 'appendLiteralStart');
  if (e?.type !== 'appendLiteralStart') throw new Error('no head');
  return parseAppendHead(e.head, { utf8Enabled: false });
}

test('APPEND heads', () => {
  assert.deepEqual(appendHead('A003 APPEND saved-messages (\\Seen) {310}\r\n'), {
    tag: 'A003', name: 'APPEND', mailbox: 'saved-messages', flags: ['\\Seen'], message: { size: 310, binary: false, synchronizing: true },
  });
  assert.deepEqual(appendHead('a1 APPEND "Sent Items" (\\Seen $MDNSent) "05-Mar-2024 14:07:09 +0100" {12+}\r\n'), {
    tag: 'a1', name: 'APPEND', mailbox: 'Sent Items', flags: ['\\Seen', '$MDNSent'], internalDate: new Date('2024-03-05T13:07:09Z'),
    message: { size: 12, binary: false, synchronizing: false },
  });
  assert.deepEqual(appendHead('a1 APPEND Drafts () " 5-Mar-2024 14:07:09 +0000" ~{4}\r\n'), {
    tag: 'a1', name: 'APPEND', mailbox: 'Drafts', flags: [], internalDate: new Date('2024-03-05T14:07:09Z'),
    message: { size: 4, binary: true, synchronizing: true },
  });
  assert.deepEqual(appendHead('a1 APPEND {5+}\r\ninbox {4}\r\n'), {
    tag: 'a1', name: 'APPEND', mailbox: 'INBOX', flags: [], message: { size: 4, binary: false, synchronizing: true },
  });
  assert.deepEqual(appendHead('a1 APPEND "Th&AbA- &AREA4w- g&Hu0-i" {1}\r\n').mailbox, 'Thư đã gửi');
  for (const bad of ['a1 APPEND INBOX (\\Seen {3}\r\n', 'a1 APPEND INBOX "32-Mar-2024 00:00:00 +0000" {3}\r\n', 'a1 APPEND INBOX junk {3}\r\n']) {
    assert.throws(() => appendHead(bad), (e: unknown) => e instanceof ImapParseError && e.tag === 'a1', bad);
  }
});
