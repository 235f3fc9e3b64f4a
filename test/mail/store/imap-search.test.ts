import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SearchCriterion } from '../../../mail/store/contracts.js';
import { openStoreFixture, type StoreFixture } from './store-fixture.js';
import { ALICE, deliver } from './imap-helpers.js';

const crlf = (lines: string[]): string => lines.join('\r\n');

// Real RFC 5322 messages, delivered through beginDelivery so the MIME indexer builds their index
// and search text exactly as it does for mail from the network.
const MESSAGES = [
  crlf([
    'From: Alice Example <alice@example.org>',
    'To: bob@example.com',
    'Cc: Carol <carol@example.net>',
    'Subject: Quarterly report',
    'Date: Mon, 2 Jun 2025 10:00:00 +0000',
    'Message-ID: <q1@example.org>',
    '',
    'The quick brown fox jumps over the lazy dog.',
    'Second line with Caf\u00e9 and na\u00efve words.',
    '',
  ]),
  crlf([
    'From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>',
    'To: team@example.com',
    'Bcc: secret@example.com',
    'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=',
    'Date: Sun, 1 Jun 2025 08:00:00 +0200',
    'X-Custom: Hello-World',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Das Angebot liegt bei 100 EUR f=C3=BCr alle.',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Preis: <b>100&nbsp;EUR</b> netto</p>',
    '--b1--',
    '',
  ]),
  crlf([
    'From: dave@example.com (Dave Comment)',
    'To: alice@example.org',
    'Subject: Re: lunch',
    'Date: Tue, 3 Dec 2024 09:00:00 +0000',
    '',
    'hello world',
    'example text here',
    '',
  ]),
  crlf([
    'From: robot@example.com',
    'To: Team: x@example.com, y@example.com;',
    '',
    '@@@ ### ---',
    '',
  ]),
  crlf([
    'From: Eve <eve@example.com>',
    'To: alice@example.org',
    'Subject: Theatre',
    'Date: Thu, 5 Jun 2025 12:00:00 +0000',
    '',
    'Othello and hellos, played twice.',
    '',
  ]),
];

const INTERNAL = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01'].map((d) => new Date(`${d}T12:00:00Z`));
const FLAGS = [['\\Seen'], ['$Work', '\\Flagged'], ['\\Seen', '\\Answered'], [], ['\\Deleted']];

describe('SqliteMailStore.search', () => {
  let f: StoreFixture;
  let blobIds: string[];
  let sizes: number[];
  before(async () => {
    f = await openStoreFixture();
    await f.store.createMailbox(ALICE);
    blobIds = [];
    sizes = [];
    for (let i = 0; i < MESSAGES.length; i++) {
      const r = await deliver(f, MESSAGES[i]!, [{ userId: ALICE, flags: FLAGS[i]! }], INTERNAL[i]);
      blobIds.push(r.blobId);
      sizes.push(r.size);
    }
    // Another account's copy of a matching text: never part of Alice's results.
    await deliver(f, MESSAGES[0]!, [{ userId: 'u-other' }]);
    await f.store.setFlags(ALICE, 'INBOX', [4], 'add', ['$Later']); // UID 4 gets MODSEQ 7
  });
  after(async () => { await f.cleanup(); });

  const text = (where: 'text' | 'body' | 'subject' | 'from' | 'to' | 'cc' | 'bcc', value: string): SearchCriterion => ({ kind: 'text', where, value });

  const cases: Array<[string, () => SearchCriterion, number[] | (() => number[])]> = [
    ['all', () => ({ kind: 'all' }), [1, 2, 3, 4, 5]],
    ['uids and ranges', () => ({ kind: 'uids', uids: [5, [1, 2], [99, 4]] }), [1, 2, 4, 5]],
    ['many uid ranges', () => ({ kind: 'uids', uids: Array.from({ length: 100 }, (_, i) => 2 * i + 1) }), [1, 3, 5]],
    ['no uids', () => ({ kind: 'uids', uids: [] }), []],
    ['\\Seen', () => ({ kind: 'flag', flag: '\\seen', set: true }), [1, 3]],
    ['unseen', () => ({ kind: 'flag', flag: '\\Seen', set: false }), [2, 4, 5]],
    ['\\Flagged', () => ({ kind: 'flag', flag: '\\FLAGGED', set: true }), [2]],
    ['keyword, any case', () => ({ kind: 'flag', flag: '$work', set: true }), [2]],
    ['keyword unset', () => ({ kind: 'flag', flag: '$Work', set: false }), [1, 3, 4, 5]],
    ['keyword set later', () => ({ kind: 'flag', flag: '$Later', set: true }), [4]],
    ['\\Recent is never stored', () => ({ kind: 'flag', flag: '\\Recent', set: true }), []],
    ['not \\Recent', () => ({ kind: 'flag', flag: '\\Recent', set: false }), [1, 2, 3, 4, 5]],
    ['a malformed flag is never set', () => ({ kind: 'flag', flag: 'two words', set: true }), []],

    ['TEXT one word', () => text('text', 'fox'), [1]],
    ['TEXT any case, two words', () => text('text', 'QUICK BROWN'), [1]],
    ['TEXT phrase with punctuation', () => text('text', 'the lazy dog.'), [1]],
    ['TEXT white space runs match one space', () => text('text', 'brown \t fox'), [1]],
    ['TEXT starting inside a word, several words', () => text('text', 'ick brown'), [1]],
    ['TEXT ending inside a word', () => text('text', 'quick bro'), [1]],
    ['TEXT a word begins words', () => text('text', 'hello'), [3, 5]],
    ['TEXT a single word inside a word is not found (index lookup)', () => text('text', 'ello'), []],
    ['TEXT several words, the first inside a word', () => text('text', 'ello world'), [3]],
    ['TEXT diacritics count', () => text('text', 'caf\u00e9'), [1]],
    ['TEXT without diacritics does not match them', () => text('text', 'cafe'), []],
    ['TEXT upper-case non-ASCII', () => text('text', 'NA\u00cfVE'), [1]],
    ['TEXT finds the subject', () => text('text', 'quarterly'), [1]],
    ['TEXT finds decoded From', () => text('text', 'j\u00f6rg'), [2]],
    ['TEXT finds quoted-printable text', () => text('text', 'f\u00fcr alle'), [2]],
    ['TEXT finds HTML text without markup', () => text('text', 'preis: 100 eur netto'), [2]],
    ['TEXT no words: every message tested', () => text('text', '@@@'), [4]],
    ['TEXT symbols with a word', () => text('text', '### ---'), [4]],
    ['TEXT empty matches all', () => text('text', ''), [1, 2, 3, 4, 5]],
    ['TEXT nothing', () => text('text', 'zebra'), []],
    ['TEXT other accounts never', () => text('text', 'lazy dog'), [1]],

    ['BODY finds the body', () => text('body', 'lazy'), [1]],
    ['BODY not the subject', () => text('body', 'quarterly'), []],
    ['BODY not the addresses', () => text('body', 'alice'), []],
    ['BODY HTML part', () => text('body', 'netto'), [2]],
    ['BODY of a message without subject', () => text('body', '###'), [4]],

    ['SUBJECT decoded, any case', () => text('subject', 'GR\u00dc\u00dfE'), [2]],
    ['SUBJECT', () => text('subject', 're: lunch'), [3]],
    ['SUBJECT not in the body', () => text('subject', 'fox'), []],
    ['FROM name decoded', () => text('from', 'j\u00f6rg m\u00fcller'), [2]],
    ['FROM address', () => text('from', 'EXAMPLE.ORG'), [1]],
    ['FROM comment in the header', () => text('from', 'dave comment'), [3]],
    ['TO', () => text('to', 'alice@'), [3, 5]],
    ['TO group name', () => text('to', 'team:'), [4]],
    ['CC', () => text('cc', 'carol'), [1]],
    ['BCC', () => text('bcc', 'secret'), [2]],
    ['HEADER field any case', () => ({ kind: 'header', field: 'X-CUSTOM', value: 'hello-world' }), [2]],
    ['HEADER empty value: has the field', () => ({ kind: 'header', field: 'subject', value: '' }), [1, 2, 3, 5]],
    ['HEADER Message-ID', () => ({ kind: 'header', field: 'Message-ID', value: '<q1@' }), [1]],
    ['HEADER missing field', () => ({ kind: 'header', field: 'X-Nope', value: '' }), []],

    ['internal date range', () => ({ kind: 'date', which: 'internal', from: new Date('2025-02-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') }), [2, 3]],
    ['internal date half-open', () => ({ kind: 'date', which: 'internal', to: new Date('2025-02-01T12:00:00Z') }), [1]],
    ['sent date (Date header; INTERNALDATE when missing)', () => ({ kind: 'date', which: 'sent', from: new Date('2025-03-15T00:00:00Z'), to: new Date('2025-06-02T00:00:00Z') }), [2, 4]],
    ['sent before', () => ({ kind: 'date', which: 'sent', to: new Date('2025-01-01T00:00:00Z') }), [3]],
    ['size larger', () => ({ kind: 'size', larger: sizes[3]! }), () => [1, 2, 3, 5].filter((u) => sizes[u - 1]! > sizes[3]!)],
    ['size smaller', () => ({ kind: 'size', smaller: sizes[1]! }), [1, 3, 4, 5]],
    ['modseq', () => ({ kind: 'modseq', atLeast: 6 }), [4, 5]],
    ['emailId', () => ({ kind: 'emailId', id: `M${blobIds[2]}` }), [3]],
    ['emailId unknown', () => ({ kind: 'emailId', id: 'Mnope' }), []],
    ['emailId wrong form', () => ({ kind: 'emailId', id: blobIds[2]! }), []],

    ['NOT text', () => ({ kind: 'not', criterion: text('text', 'fox') }), [2, 3, 4, 5]],
    ['NOT body in a message without text', () => ({ kind: 'not', criterion: text('body', 'hello') }), [1, 2, 4]],
    ['OR', () => ({ kind: 'or', left: text('subject', 'lunch'), right: { kind: 'flag', flag: '\\Flagged', set: true } }), [2, 3]],
    ['AND', () => ({ kind: 'and', criteria: [{ kind: 'flag', flag: '\\Seen', set: false }, text('text', 'example')] }), [2, 4, 5]],
    ['AND of nothing', () => ({ kind: 'and', criteria: [] }), [1, 2, 3, 4, 5]],
    ['deep nesting', () => ({ kind: 'not', criterion: { kind: 'not', criterion: { kind: 'or', left: { kind: 'uids', uids: [1] }, right: { kind: 'and', criteria: [text('text', 'hello'), { kind: 'not', criterion: { kind: 'uids', uids: [[3, 3]] } }] } } } }), [1, 5]],
  ];

  for (const [name, criterion, expected] of cases) {
    it(name, async () => {
      assert.deepEqual(await f.store.search(ALICE, 'INBOX', criterion()), typeof expected === 'function' ? expected() : expected);
    });
  }

  it('an unknown folder has no matches', async () => {
    assert.deepEqual(await f.store.search(ALICE, 'Nope', { kind: 'all' }), []);
  });

  it('gives the same answers after a restart and after moving messages', async () => {
    await f.reopen();
    assert.deepEqual(await f.store.search(ALICE, 'INBOX', text('text', 'fox')), [1]);
    await f.store.moveMessages(ALICE, 'INBOX', [1, 2], 'Archive');
    assert.deepEqual(await f.store.search(ALICE, 'Archive', text('text', 'fox')), [1]);
    assert.deepEqual(await f.store.search(ALICE, 'Archive', text('subject', 'm\u00fcnchen')), [2]);
    assert.deepEqual(await f.store.search(ALICE, 'INBOX', text('text', 'fox')), []);
  });
});
