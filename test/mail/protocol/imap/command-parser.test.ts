// Real command lines (shapes taken from Thunderbird, Apple Mail, Outlook, iOS Mail, K-9/FairEmail,
// imapflow, mbsync and the RFC examples) to typed commands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapParseError } from '../../../../mail/protocol/imap/errors.js';
import type { FetchItem, ImapCommand, SearchKey, SequenceSet, SimpleFetchAttribute } from '../../../../mail/protocol/imap/command-types.js';
import { drive, parseWire } from './read-commands.js';

const set = (...ranges: Array<[number | '*', (number | '*')?]>): SequenceSet => ({
  kind: 'ranges',
  ranges: ranges.map(([start, end]) => ({ start, end: end ?? start })),
});
const a = (name: SimpleFetchAttribute): FetchItem => ({ kind: 'attribute', name });
const body = (section: Omit<Extract<FetchItem, { kind: 'body' }>['section'], 'part'> & { part?: number[] }, peek = false, partial?: { offset: number; length: number }): FetchItem => ({
  kind: 'body', peek, section: { part: [], ...section }, ...(partial ? { partial } : {}),
});
const k = (key: string, extra: object = {}): SearchKey => ({ key, ...extra }) as SearchKey;
const noMods = { vanished: false };

const THUNDERBIRD_FIELDS = ['From', 'To', 'Cc', 'Bcc', 'Subject', 'Date', 'Message-ID', 'Priority', 'X-Priority', 'References', 'Newsgroups', 'In-Reply-To', 'Content-Type', 'Reply-To'];

const OK: Array<[string, ImapCommand]> = [
  // --- any state
  ['a1 CAPABILITY', { tag: 'a1', name: 'CAPABILITY' }],
  ['a1 capability', { tag: 'a1', name: 'CAPABILITY' }],
  ['A0001 NOOP', { tag: 'A0001', name: 'NOOP' }],
  ['x LOGOUT', { tag: 'x', name: 'LOGOUT' }],
  ['1 STARTTLS', { tag: '1', name: 'STARTTLS' }],
  ['a.b-c_d NAMESPACE', { tag: 'a.b-c_d', name: 'NAMESPACE' }],
  ['2 IDLE', { tag: '2', name: 'IDLE' }],
  ['3 CLOSE', { tag: '3', name: 'CLOSE' }],
  ['4 UNSELECT', { tag: '4', name: 'UNSELECT' }],
  ['5 CHECK', { tag: '5', name: 'CHECK' }],
  ['6 EXPUNGE', { tag: '6', name: 'EXPUNGE', uid: false }],
  ['7 UID EXPUNGE 3000:3002', { tag: '7', name: 'EXPUNGE', uid: true, sequenceSet: set([3000, 3002]) }],
  ['a1 ID ("name" "Thunderbird" "version" "115.8.0")', { tag: 'a1', name: 'ID', params: [['name', 'Thunderbird'], ['version', '115.8.0']] }],
  ['a1 ID ("name" "iPhone Mail" "version" "21E236" "os" "iOS" "os-version" "17.4.1 (21E236)")', { tag: 'a1', name: 'ID', params: [['name', 'iPhone Mail'], ['version', '21E236'], ['os', 'iOS'], ['os-version', '17.4.1 (21E236)']] }],
  ['a1 ID NIL', { tag: 'a1', name: 'ID', params: null }],
  ['a1 ID ("name" "imapflow" "vendor" NIL)', { tag: 'a1', name: 'ID', params: [['name', 'imapflow'], ['vendor', null]] }],
  ['a1 ID ()', { tag: 'a1', name: 'ID', params: [] }],
  ['a2 ENABLE QRESYNC', { tag: 'a2', name: 'ENABLE', capabilities: ['QRESYNC'] }],
  ['a2 enable condstore utf8=accept', { tag: 'a2', name: 'ENABLE', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] }],
  ['a2 ENABLE IMAP4rev2', { tag: 'a2', name: 'ENABLE', capabilities: ['IMAP4REV2'] }],
  ['C1 COMPRESS DEFLATE', { tag: 'C1', name: 'COMPRESS', mechanism: 'DEFLATE' }],
  // --- authentication
  ['a1 LOGIN alice@example.com hunter2', { tag: 'a1', name: 'LOGIN', username: 'alice@example.com', password: 'hunter2' }],
  ['a1 LOGIN "alice@example.com" "p\\"ss\\\\word"', { tag: 'a1', name: 'LOGIN', username: 'alice@example.com', password: 'p"ss\\word' }],
  ['a1 LOGIN {17}\r\nalice@example.com {7}\r\nsp ce!]', { tag: 'a1', name: 'LOGIN', username: 'alice@example.com', password: 'sp ce!]' }],
  ['a1 LOGIN {5+}\r\nalice "pässwörd"', { tag: 'a1', name: 'LOGIN', username: 'alice', password: 'pässwörd' }],
  ['a1 LOGIN alice ""', { tag: 'a1', name: 'LOGIN', username: 'alice', password: '' }],
  ['a1 AUTHENTICATE PLAIN', { tag: 'a1', name: 'AUTHENTICATE', mechanism: 'PLAIN' }],
  ['a1 AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI=', { tag: 'a1', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: 'AGFsaWNlAGh1bnRlcjI=' }],
  ['a1 AUTHENTICATE EXTERNAL =', { tag: 'a1', name: 'AUTHENTICATE', mechanism: 'EXTERNAL', initialResponse: '' }],
  ['a1 authenticate xoauth2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2tlbgEB', { tag: 'a1', name: 'AUTHENTICATE', mechanism: 'XOAUTH2', initialResponse: 'dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2tlbgEB' }],
  // --- mailboxes
  ['3 select "INBOX" (CONDSTORE)', { tag: '3', name: 'SELECT', mailbox: 'INBOX', condstore: true }],
  ['a1 SELECT INBOX', { tag: 'a1', name: 'SELECT', mailbox: 'INBOX', condstore: false }],
  ['a1 SELECT inbox', { tag: 'a1', name: 'SELECT', mailbox: 'INBOX', condstore: false }],
  ['a1 SELECT "Inbox"', { tag: 'a1', name: 'SELECT', mailbox: 'INBOX', condstore: false }],
  ['a1 EXAMINE "Sent Items"', { tag: 'a1', name: 'EXAMINE', mailbox: 'Sent Items', condstore: false }],
  ['a1 SELECT "Th&AbA- &AREA4w- g&Hu0-i"', { tag: 'a1', name: 'SELECT', mailbox: 'Thư đã gửi', condstore: false }],
  ['a1 SELECT "&U,BTFw-"', { tag: 'a1', name: 'SELECT', mailbox: '台北', condstore: false }],
  ['a1 SELECT "Tom &- Jerry"', { tag: 'a1', name: 'SELECT', mailbox: 'Tom & Jerry', condstore: false }],
  ['a1 SELECT INBOX/Work]', { tag: 'a1', name: 'SELECT', mailbox: 'INBOX/Work]', condstore: false }],
  [
    'A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))',
    { tag: 'A02', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 67890007, modSeq: 20050715194045000n, knownUids: set([41], [43, 211], [214, 541]) } },
  ],
  [
    'B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))',
    {
      tag: 'B04', name: 'SELECT', mailbox: 'INBOX', condstore: false,
      qresync: {
        uidValidity: 67890007, modSeq: 90060115194045000n, knownUids: set([1, 29997]),
        seqMatch: { sequences: set([5000], [7500], [9000], [9990, 9999]), uids: set([15000], [22500], [27000], [29970], [29973], [29976], [29979], [29982], [29985], [29988], [29991], [29994], [29997]) },
      },
    },
  ],
  ['a1 EXAMINE INBOX (QRESYNC (1 2))', { tag: 'a1', name: 'EXAMINE', mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 1, modSeq: 2n } }],
  ['a1 SELECT INBOX (CONDSTORE QRESYNC (1 2 1:*))', { tag: 'a1', name: 'SELECT', mailbox: 'INBOX', condstore: true, qresync: { uidValidity: 1, modSeq: 2n, knownUids: set([1, '*']) } }],
  ['a1 CREATE "Projects/2024"', { tag: 'a1', name: 'CREATE', mailbox: 'Projects/2024', specialUse: [] }],
  ['a1 CREATE Archive (USE (\\Archive))', { tag: 'a1', name: 'CREATE', mailbox: 'Archive', specialUse: ['\\Archive'] }],
  ['a1 CREATE "Junk" (USE (\\junk \\Trash))', { tag: 'a1', name: 'CREATE', mailbox: 'Junk', specialUse: ['\\Junk', '\\Trash'] }],
  ['a1 DELETE "Old &- Stale"', { tag: 'a1', name: 'DELETE', mailbox: 'Old & Stale' }],
  ['a1 RENAME "Drafts" "Entw&APw-rfe"', { tag: 'a1', name: 'RENAME', from: 'Drafts', to: 'Entwürfe' }],
  ['a1 RENAME {6+}\r\nfoobar baz', { tag: 'a1', name: 'RENAME', from: 'foobar', to: 'baz' }],
  ['a1 SUBSCRIBE "Sent"', { tag: 'a1', name: 'SUBSCRIBE', mailbox: 'Sent' }],
  ['a1 UNSUBSCRIBE Trash', { tag: 'a1', name: 'UNSUBSCRIBE', mailbox: 'Trash' }],
  // --- LIST and friends
  ['a1 LIST "" ""', { tag: 'a1', name: 'LIST', reference: '', patterns: [''], selectionOptions: [], returnOptions: { subscribed: false, children: false, specialUse: false }, extended: false }],
  ['a1 LIST "" "*"', { tag: 'a1', name: 'LIST', reference: '', patterns: ['*'], selectionOptions: [], returnOptions: { subscribed: false, children: false, specialUse: false }, extended: false }],
  ['a1 list "" %', { tag: 'a1', name: 'LIST', reference: '', patterns: ['%'], selectionOptions: [], returnOptions: { subscribed: false, children: false, specialUse: false }, extended: false }],
  ['a1 LIST INBOX/ Work/%', { tag: 'a1', name: 'LIST', reference: 'INBOX/', patterns: ['Work/%'], selectionOptions: [], returnOptions: { subscribed: false, children: false, specialUse: false }, extended: false }],
  [
    '5 list (subscribed) "" "*" return (children special-use)',
    { tag: '5', name: 'LIST', reference: '', patterns: ['*'], selectionOptions: ['SUBSCRIBED'], returnOptions: { subscribed: false, children: true, specialUse: true }, extended: true },
  ],
  [
    'a1 LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ))',
    { tag: 'a1', name: 'LIST', reference: '', patterns: ['*'], selectionOptions: [], returnOptions: { subscribed: false, children: false, specialUse: true, status: ['MESSAGES', 'UNSEEN', 'UIDNEXT', 'UIDVALIDITY', 'HIGHESTMODSEQ'] }, extended: true },
  ],
  [
    'A01 LIST (SPECIAL-USE RECURSIVEMATCH) "" ("INBOX" "Drafts" "Sent%")',
    { tag: 'A01', name: 'LIST', reference: '', patterns: ['INBOX', 'Drafts', 'Sent%'], selectionOptions: ['SPECIAL-USE', 'RECURSIVEMATCH'], returnOptions: { subscribed: false, children: false, specialUse: false }, extended: true },
  ],
  [
    'a1 LIST () "" "*" RETURN (SUBSCRIBED CHILDREN STATUS (SIZE APPENDLIMIT MAILBOXID))',
    { tag: 'a1', name: 'LIST', reference: '', patterns: ['*'], selectionOptions: [], returnOptions: { subscribed: true, children: true, specialUse: false, status: ['SIZE', 'APPENDLIMIT', 'MAILBOXID'] }, extended: true },
  ],
  ['a1 LIST "" "Th&AbA- &AREA4w- %"', { tag: 'a1', name: 'LIST', reference: '', patterns: ['Thư đã %'], selectionOptions: [], returnOptions: { subscribed: false, children: false, specialUse: false }, extended: false }],
  ['a1 LSUB "" "*"', { tag: 'a1', name: 'LSUB', reference: '', pattern: '*' }],
  ['a1 LSUB "#news." "comp.mail.*"', { tag: 'a1', name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' }],
  // --- STATUS
  ['a1 STATUS "INBOX" (MESSAGES UNSEEN RECENT)', { tag: 'a1', name: 'STATUS', mailbox: 'INBOX', items: ['MESSAGES', 'UNSEEN', 'RECENT'] }],
  ['a1 STATUS Sent (UIDNEXT UIDVALIDITY HIGHESTMODSEQ)', { tag: 'a1', name: 'STATUS', mailbox: 'Sent', items: ['UIDNEXT', 'UIDVALIDITY', 'HIGHESTMODSEQ'] }],
  ['a1 status "Archive" (messages deleted size appendlimit mailboxid)', { tag: 'a1', name: 'STATUS', mailbox: 'Archive', items: ['MESSAGES', 'DELETED', 'SIZE', 'APPENDLIMIT', 'MAILBOXID'] }],
  ['a1 STATUS INBOX (MESSAGES MESSAGES)', { tag: 'a1', name: 'STATUS', mailbox: 'INBOX', items: ['MESSAGES'] }],
  // --- quota
  ['a1 GETQUOTAROOT INBOX', { tag: 'a1', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
  ['a1 GETQUOTA ""', { tag: 'a1', name: 'GETQUOTA', root: '' }],
  ['a1 GETQUOTA "User quota"', { tag: 'a1', name: 'GETQUOTA', root: 'User quota' }],
  ['a1 SETQUOTA "" (STORAGE 512)', { tag: 'a1', name: 'SETQUOTA', root: '', limits: [{ resource: 'STORAGE', limit: 512n }] }],
  ['a1 SETQUOTA "" (STORAGE 512 MESSAGE 1000)', { tag: 'a1', name: 'SETQUOTA', root: '', limits: [{ resource: 'STORAGE', limit: 512n }, { resource: 'MESSAGE', limit: 1000n }] }],
  // --- FETCH
  [
    `a1 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (${THUNDERBIRD_FIELDS.join(' ')})])`,
    { tag: 'a1', name: 'FETCH', uid: true, sequenceSet: set([1, '*']), items: [a('UID'), a('RFC822.SIZE'), a('FLAGS'), body({ text: 'HEADER.FIELDS', fields: THUNDERBIRD_FIELDS }, true)], modifiers: noMods },
  ],
  ['a2 FETCH 1 ALL', { tag: 'a2', name: 'FETCH', uid: false, sequenceSet: set([1]), items: [a('FLAGS'), a('INTERNALDATE'), a('RFC822.SIZE'), a('ENVELOPE')], macro: 'ALL', modifiers: noMods }],
  ['a2 FETCH 1:3 FAST', { tag: 'a2', name: 'FETCH', uid: false, sequenceSet: set([1, 3]), items: [a('FLAGS'), a('INTERNALDATE'), a('RFC822.SIZE')], macro: 'FAST', modifiers: noMods }],
  ['a2 fetch 2 full', { tag: 'a2', name: 'FETCH', uid: false, sequenceSet: set([2]), items: [a('FLAGS'), a('INTERNALDATE'), a('RFC822.SIZE'), a('ENVELOPE'), a('BODY')], macro: 'FULL', modifiers: noMods }],
  ['a3 FETCH 12 BODY[HEADER]', { tag: 'a3', name: 'FETCH', uid: false, sequenceSet: set([12]), items: [body({ text: 'HEADER' })], modifiers: noMods }],
  ['a3 FETCH 12 (BODY[])', { tag: 'a3', name: 'FETCH', uid: false, sequenceSet: set([12]), items: [body({})], modifiers: noMods }],
  ['a3 UID FETCH 44 (BODY.PEEK[]<0.16384>)', { tag: 'a3', name: 'FETCH', uid: true, sequenceSet: set([44]), items: [body({}, true, { offset: 0, length: 16384 })], modifiers: noMods }],
  ['a3 UID FETCH 44 BODY.PEEK[1.2.3.MIME]', { tag: 'a3', name: 'FETCH', uid: true, sequenceSet: set([44]), items: [body({ part: [1, 2, 3], text: 'MIME' }, true)], modifiers: noMods }],
  ['a3 UID FETCH 44 BODY[4.2.HEADER]', { tag: 'a3', name: 'FETCH', uid: true, sequenceSet: set([44]), items: [body({ part: [4, 2], text: 'HEADER' })], modifiers: noMods }],
  ['a3 UID FETCH 44 BODY[3.TEXT]<100.200>', { tag: 'a3', name: 'FETCH', uid: true, sequenceSet: set([44]), items: [body({ part: [3], text: 'TEXT' }, false, { offset: 100, length: 200 })], modifiers: noMods }],
  ['a3 UID FETCH 44 (BODY.PEEK[2])', { tag: 'a3', name: 'FETCH', uid: true, sequenceSet: set([44]), items: [body({ part: [2] }, true)], modifiers: noMods }],
  ['a3 FETCH 1 BODY[HEADER.FIELDS.NOT (Received DKIM-Signature)]', { tag: 'a3', name: 'FETCH', uid: false, sequenceSet: set([1]), items: [body({ text: 'HEADER.FIELDS.NOT', fields: ['Received', 'DKIM-Signature'] })], modifiers: noMods }],
  ['a3 FETCH 1 BODY.PEEK[HEADER.FIELDS ("From" "Subject")]', { tag: 'a3', name: 'FETCH', uid: false, sequenceSet: set([1]), items: [body({ text: 'HEADER.FIELDS', fields: ['From', 'Subject'] }, true)], modifiers: noMods }],
  [
    'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])',
    { tag: 'A654', name: 'FETCH', uid: false, sequenceSet: set([2, 4]), items: [a('FLAGS'), body({ text: 'HEADER.FIELDS', fields: ['DATE', 'FROM'] })], modifiers: noMods },
  ],
  [
    'a4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)',
    { tag: 'a4', name: 'FETCH', uid: true, sequenceSet: set([1, '*']), items: [a('FLAGS')], modifiers: { changedSince: 12345n, vanished: true } },
  ],
  ['s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345)', { tag: 's100', name: 'FETCH', uid: true, sequenceSet: set([300, 500]), items: [a('FLAGS')], modifiers: { changedSince: 12345n, vanished: false } }],
  ['a5 FETCH 1:* (FLAGS MODSEQ)', { tag: 'a5', name: 'FETCH', uid: false, sequenceSet: set([1, '*']), items: [a('FLAGS'), a('MODSEQ')], modifiers: noMods }],
  [
    'a6 UID FETCH 100:* (UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE ENVELOPE EMAILID THREADID)',
    { tag: 'a6', name: 'FETCH', uid: true, sequenceSet: set([100, '*']), items: [a('UID'), a('FLAGS'), a('INTERNALDATE'), a('RFC822.SIZE'), a('BODYSTRUCTURE'), a('ENVELOPE'), a('EMAILID'), a('THREADID')], modifiers: noMods },
  ],
  ['a7 FETCH 1 (RFC822 RFC822.HEADER RFC822.TEXT BODY)', { tag: 'a7', name: 'FETCH', uid: false, sequenceSet: set([1]), items: [a('RFC822'), a('RFC822.HEADER'), a('RFC822.TEXT'), a('BODY')], modifiers: noMods }],
  ['a8 UID FETCH 7 (BINARY.PEEK[1]<0.1024> BINARY.SIZE[1])', { tag: 'a8', name: 'FETCH', uid: true, sequenceSet: set([7]), items: [{ kind: 'binary', peek: true, part: [1], partial: { offset: 0, length: 1024 } }, { kind: 'binarySize', part: [1] }], modifiers: noMods }],
  ['a8 FETCH 7 BINARY[]', { tag: 'a8', name: 'FETCH', uid: false, sequenceSet: set([7]), items: [{ kind: 'binary', peek: false, part: [] }], modifiers: noMods }],
  ['a8 FETCH 7 BINARY[2.1]', { tag: 'a8', name: 'FETCH', uid: false, sequenceSet: set([7]), items: [{ kind: 'binary', peek: false, part: [2, 1] }], modifiers: noMods }],
  ['a9 FETCH $ (FLAGS)', { tag: 'a9', name: 'FETCH', uid: false, sequenceSet: { kind: 'saved' }, items: [a('FLAGS')], modifiers: noMods }],
  ['a9 UID FETCH 4,6:7,9:* UID', { tag: 'a9', name: 'FETCH', uid: true, sequenceSet: set([4], [6, 7], [9, '*']), items: [a('UID')], modifiers: noMods }],
  ['a9 FETCH *:1 FLAGS', { tag: 'a9', name: 'FETCH', uid: false, sequenceSet: set(['*', 1]), items: [a('FLAGS')], modifiers: noMods }],
  ['a9 fetch 1 (uid flags body.peek[header.fields (subject)])', { tag: 'a9', name: 'FETCH', uid: false, sequenceSet: set([1]), items: [a('UID'), a('FLAGS'), body({ text: 'HEADER.FIELDS', fields: ['subject'] }, true)], modifiers: noMods }],
  ['a9 UID FETCH 1 (UID SAVEDATE PREVIEW)', { tag: 'a9', name: 'FETCH', uid: true, sequenceSet: set([1]), items: [a('UID'), a('SAVEDATE'), a('PREVIEW')], modifiers: noMods }],
  // --- STORE
  ['A003 STORE 2:4 +FLAGS (\\Deleted)', { tag: 'A003', name: 'STORE', uid: false, sequenceSet: set([2, 4]), operation: 'add', silent: false, flags: ['\\Deleted'] }],
  ['a1 UID STORE 42 +FLAGS.SILENT (\\Seen)', { tag: 'a1', name: 'STORE', uid: true, sequenceSet: set([42]), operation: 'add', silent: true, flags: ['\\Seen'] }],
  ['a1 UID STORE 42 -FLAGS.SILENT (\\seen \\FLAGGED)', { tag: 'a1', name: 'STORE', uid: true, sequenceSet: set([42]), operation: 'remove', silent: true, flags: ['\\Seen', '\\Flagged'] }],
  ['a1 STORE 1 FLAGS ()', { tag: 'a1', name: 'STORE', uid: false, sequenceSet: set([1]), operation: 'replace', silent: false, flags: [] }],
  ['a1 STORE 1 flags.silent (\\Answered $Forwarded NonJunk $MDNSent)', { tag: 'a1', name: 'STORE', uid: false, sequenceSet: set([1]), operation: 'replace', silent: true, flags: ['\\Answered', '$Forwarded', 'NonJunk', '$MDNSent'] }],
  ['a1 UID STORE 5 +FLAGS \\Seen \\Draft', { tag: 'a1', name: 'STORE', uid: true, sequenceSet: set([5]), operation: 'add', silent: false, flags: ['\\Seen', '\\Draft'] }],
  ['d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)', { tag: 'd105', name: 'STORE', uid: false, sequenceSet: set([7], [5], [9]), operation: 'add', silent: true, flags: ['\\Deleted'], unchangedSince: 320162338n }],
  ['a1 UID STORE 1:* (UNCHANGEDSINCE 0) FLAGS (\\Seen)', { tag: 'a1', name: 'STORE', uid: true, sequenceSet: set([1, '*']), operation: 'replace', silent: false, flags: ['\\Seen'], unchangedSince: 0n }],
  ['a1 STORE $ +FLAGS (\\Deleted)', { tag: 'a1', name: 'STORE', uid: false, sequenceSet: { kind: 'saved' }, operation: 'add', silent: false, flags: ['\\Deleted'] }],
  // --- COPY / MOVE
  ['A003 COPY 2:4 MEETING', { tag: 'A003', name: 'COPY', uid: false, sequenceSet: set([2, 4]), mailbox: 'MEETING' }],
  ['a1 UID COPY 1:3,5 "Deleted Items"', { tag: 'a1', name: 'COPY', uid: true, sequenceSet: set([1, 3], [5]), mailbox: 'Deleted Items' }],
  ['a1 UID MOVE 42 "[Gmail]/Trash"', { tag: 'a1', name: 'MOVE', uid: true, sequenceSet: set([42]), mailbox: '[Gmail]/Trash' }],
  ['a1 MOVE 1:* Archive', { tag: 'a1', name: 'MOVE', uid: false, sequenceSet: set([1, '*']), mailbox: 'Archive' }],
  ['a1 UID MOVE 7 "Th&AbA- &AREA4w- g&Hu0-i"', { tag: 'a1', name: 'MOVE', uid: true, sequenceSet: set([7]), mailbox: 'Thư đã gửi' }],
  // --- SEARCH
  [
    'A142 UID SEARCH RETURN (MIN MAX COUNT) OR UNSEEN FLAGGED SINCE 1-Feb-2024',
    { tag: 'A142', name: 'SEARCH', uid: true, criteria: [{ key: 'OR', left: k('UNSEEN'), right: k('FLAGGED') }, k('SINCE', { date: { year: 2024, month: 2, day: 1 } })], returnOptions: ['MIN', 'MAX', 'COUNT'] },
  ],
  ['a1 SEARCH ALL', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('ALL')] }],
  ['a1 UID SEARCH UNDELETED', { tag: 'a1', name: 'SEARCH', uid: true, criteria: [k('UNDELETED')] }],
  ['a1 SEARCH RETURN () ALL', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('ALL')], returnOptions: [] }],
  ['a1 UID SEARCH RETURN (SAVE) UNSEEN', { tag: 'a1', name: 'SEARCH', uid: true, criteria: [k('UNSEEN')], returnOptions: ['SAVE'] }],
  ['a1 UID SEARCH RETURN (ALL) 1:100 UNSEEN', { tag: 'a1', name: 'SEARCH', uid: true, criteria: [{ key: 'SEQUENCE', set: set([1, 100]) }, k('UNSEEN')], returnOptions: ['ALL'] }],
  ['A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"', { tag: 'A282', name: 'SEARCH', uid: false, criteria: [k('FLAGGED'), k('SINCE', { date: { year: 1994, month: 2, day: 1 } }), { key: 'NOT', criterion: k('FROM', { value: 'Smith' }) }] }],
  ['A284 SEARCH CHARSET UTF-8 TEXT {12}\r\nXXXXXXXXXXXX', { tag: 'A284', name: 'SEARCH', uid: false, charset: 'UTF-8', criteria: [k('TEXT', { value: 'XXXXXXXXXXXX' })] }],
  ['a1 UID SEARCH CHARSET UTF-8 SUBJECT "Thư đã gửi"', { tag: 'a1', name: 'SEARCH', uid: true, charset: 'UTF-8', criteria: [k('SUBJECT', { value: 'Thư đã gửi' })] }],
  ['a1 UID SEARCH CHARSET us-ascii BODY invoice', { tag: 'a1', name: 'SEARCH', uid: true, charset: 'us-ascii', criteria: [k('BODY', { value: 'invoice' })] }],
  [
    'a1 UID SEARCH OR OR OR FROM "bob" TO "bob" CC "bob" SUBJECT "bob"',
    {
      tag: 'a1', name: 'SEARCH', uid: true,
      criteria: [{ key: 'OR', left: { key: 'OR', left: { key: 'OR', left: k('FROM', { value: 'bob' }), right: k('TO', { value: 'bob' }) }, right: k('CC', { value: 'bob' }) }, right: k('SUBJECT', { value: 'bob' }) }],
    },
  ],
  ['a1 SEARCH (OR SEEN ANSWERED) (DELETED)', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [{ key: 'AND', criteria: [{ key: 'OR', left: k('SEEN'), right: k('ANSWERED') }] }, { key: 'AND', criteria: [k('DELETED')] }] }],
  ['a1 SEARCH NOT (SEEN DRAFT)', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [{ key: 'NOT', criterion: { key: 'AND', criteria: [k('SEEN'), k('DRAFT')] } }] }],
  ['a1 UID SEARCH UID 100:* NOT DELETED', { tag: 'a1', name: 'SEARCH', uid: true, criteria: [k('UID', { set: set([100, '*']) }), { key: 'NOT', criterion: k('DELETED') }] }],
  ['a1 SEARCH HEADER Message-ID "<1234@example.com>"', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('HEADER', { field: 'Message-ID', value: '<1234@example.com>' })] }],
  ['a1 SEARCH HEADER "List-Id" ""', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('HEADER', { field: 'List-Id', value: '' })] }],
  ['a1 SEARCH KEYWORD $Forwarded UNKEYWORD $Junk', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('KEYWORD', { flag: '$Forwarded' }), k('UNKEYWORD', { flag: '$Junk' })] }],
  ['a1 SEARCH LARGER 10000 SMALLER 2000000', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('LARGER', { size: 10000 }), k('SMALLER', { size: 2000000 })] }],
  [
    'a1 SEARCH BEFORE 31-Dec-2023 ON 29-Feb-2024 SENTBEFORE "1-Jan-2000" SENTON 15-Jun-2020 SENTSINCE 01-Jan-1999',
    {
      tag: 'a1', name: 'SEARCH', uid: false,
      criteria: [
        k('BEFORE', { date: { year: 2023, month: 12, day: 31 } }), k('ON', { date: { year: 2024, month: 2, day: 29 } }),
        k('SENTBEFORE', { date: { year: 2000, month: 1, day: 1 } }), k('SENTON', { date: { year: 2020, month: 6, day: 15 } }),
        k('SENTSINCE', { date: { year: 1999, month: 1, day: 1 } }),
      ],
    },
  ],
  ['a1 SEARCH NEW OLD RECENT ANSWERED UNANSWERED UNDRAFT UNFLAGGED SEEN', { tag: 'a1', name: 'SEARCH', uid: false, criteria: ['NEW', 'OLD', 'RECENT', 'ANSWERED', 'UNANSWERED', 'UNDRAFT', 'UNFLAGGED', 'SEEN'].map((x) => k(x)) }],
  ['a1 SEARCH BCC x@y CC "a b" TO z TEXT "" BODY {3+}\r\nb c', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('BCC', { value: 'x@y' }), k('CC', { value: 'a b' }), k('TO', { value: 'z' }), k('TEXT', { value: '' }), k('BODY', { value: 'b c' })] }],
  ['a1 SEARCH MODSEQ 620162338', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('MODSEQ', { modSeq: 620162338n })] }],
  ['a1 SEARCH MODSEQ "/flags/\\\\draft" all 620162338', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('MODSEQ', { modSeq: 620162338n, entry: { name: '/flags/\\draft', type: 'all' } })] }],
  ['a1 UID SEARCH $ SEEN', { tag: 'a1', name: 'SEARCH', uid: true, criteria: [{ key: 'SEQUENCE', set: { kind: 'saved' } }, k('SEEN')] }],
  ['a1 UID SEARCH UID $', { tag: 'a1', name: 'SEARCH', uid: true, criteria: [k('UID', { set: { kind: 'saved' } })] }],
  ['a1 SEARCH YOUNGER 3600 OLDER 60', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('YOUNGER', { seconds: 3600 }), k('OLDER', { seconds: 60 })] }],
  ['a1 SEARCH EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [k('EMAILID', { id: 'M6d99ac3275bb4e' }), k('THREADID', { id: 'T64b478a75b7ea9' })] }],
  // The UTF-8 octets of "été" read as ISO-8859-1, as the client declared.
  ['a1 search charset iso-8859-1 subject {5}\r\n\u00e9t\u00e9', { tag: 'a1', name: 'SEARCH', uid: false, charset: 'iso-8859-1', criteria: [k('SUBJECT', { value: '\u00c3\u00a9t\u00c3\u00a9' })] }],
  ['a1 SEARCH 2,4:7 ALL', { tag: 'a1', name: 'SEARCH', uid: false, criteria: [{ key: 'SEQUENCE', set: set([2], [4, 7]) }, k('ALL')] }],
  // --- SORT / THREAD
  [
    'a1 UID SORT (REVERSE ARRIVAL) UTF-8 ALL',
    { tag: 'a1', name: 'SORT', uid: true, sortCriteria: [{ key: 'ARRIVAL', reverse: true }], charset: 'UTF-8', criteria: [k('ALL')] },
  ],
  [
    'A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL',
    { tag: 'A283', name: 'SORT', uid: false, sortCriteria: [{ key: 'SUBJECT', reverse: false }, { key: 'DATE', reverse: true }], charset: 'UTF-8', criteria: [k('ALL')] },
  ],
  [
    'A284 SORT (SUBJECT) US-ASCII SINCE 1-Feb-1994',
    { tag: 'A284', name: 'SORT', uid: false, sortCriteria: [{ key: 'SUBJECT', reverse: false }], charset: 'US-ASCII', criteria: [k('SINCE', { date: { year: 1994, month: 2, day: 1 } })] },
  ],
  [
    'a1 UID SORT RETURN (COUNT MIN) (DISPLAYFROM SIZE) UTF-8 UNDELETED',
    { tag: 'a1', name: 'SORT', uid: true, sortCriteria: [{ key: 'DISPLAYFROM', reverse: false }, { key: 'SIZE', reverse: false }], charset: 'UTF-8', criteria: [k('UNDELETED')], returnOptions: ['COUNT', 'MIN'] },
  ],
  ['A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000', { tag: 'A283', name: 'THREAD', uid: false, algorithm: 'ORDEREDSUBJECT', charset: 'UTF-8', criteria: [k('SINCE', { date: { year: 2000, month: 3, day: 5 } })] }],
  ['a1 UID THREAD REFERENCES UTF-8 ALL', { tag: 'a1', name: 'THREAD', uid: true, algorithm: 'REFERENCES', charset: 'UTF-8', criteria: [k('ALL')] }],
];

for (const [wire, expected] of OK) {
  test(`parse: ${wire.replace(/\r\n/g, '⏎').slice(0, 110)}`, () => {
    assert.deepEqual(parseWire(wire + '\r\n'), expected);
  });
}

test('parse: UTF-8 mailbox names when the client enabled IMAP4rev2 / UTF8=ACCEPT', () => {
  assert.deepEqual(parseWire('a1 SELECT "Thư đã gửi"\r\n', { utf8Enabled: true }), { tag: 'a1', name: 'SELECT', mailbox: 'Thư đã gửi', condstore: false });
  // In UTF-8 mode `&` is just a character.
  assert.deepEqual(parseWire('a1 CREATE "Tom &- Jerry"\r\n', { utf8Enabled: true }), { tag: 'a1', name: 'CREATE', mailbox: 'Tom &- Jerry', specialUse: [] });
  assert.deepEqual(parseWire('a1 CREATE {6}\r\nÄrger\r\n', { utf8Enabled: true }).name, 'CREATE');
});

// Malformed commands: each must give an ImapParseError carrying its tag.
const BAD: Array<[string, string | null, string?]> = [
  ['a1 FOO', 'a1', 'imap_unknown_command'],
  ['a1', 'a1'],
  ['a1 UID FOO 1', 'a1', 'imap_unknown_command'],
  ['a1 NOOP extra', 'a1'],
  ['a1 CAPABILITY  ', 'a1'],
  ['a1 LOGIN alice', 'a1'],
  ['a1 LOGIN alice "unterminated', 'a1'],
  ['a1 LOGIN "bad\\escape" x', 'a1'],
  ['a1 LOGIN alice pass extra', 'a1'],
  ['a1 SELECT', 'a1'],
  ['a1 SELECT INBOX (FOO)', 'a1'],
  ['a1 SELECT INBOX (QRESYNC (0 1))', 'a1'],
  ['a1 SELECT INBOX (QRESYNC (1 0))', 'a1', 'imap_number_out_of_range'],
  ['a1 SELECT "&Jjo"', 'a1', 'imap_mailbox_name_invalid'],
  ['a1 SELECT "&AGE-"', 'a1', 'imap_mailbox_name_invalid'],
  ['a1 SELECT "Th\u01b0"', 'a1', 'imap_mailbox_name_invalid'],
  ['a1 FETCH', 'a1'],
  ['a1 FETCH 1', 'a1'],
  ['a1 FETCH 0 FLAGS', 'a1'],
  ['a1 FETCH 1:x FLAGS', 'a1'],
  ['a1 FETCH 1 (FLAGS', 'a1'],
  ['a1 FETCH 1 FLAGGS', 'a1'],
  ['a1 FETCH 1 BODY[HEADER', 'a1'],
  ['a1 FETCH 1 BODY[FOO]', 'a1'],
  ['a1 FETCH 1 BODY[MIME]', 'a1'],
  ['a1 FETCH 1 BODY[]<0>', 'a1'],
  ['a1 FETCH 1 BODY[]<0.0>', 'a1'],
  ['a1 FETCH 1 BODY[0]', 'a1'],
  ['a1 FETCH 1 BODY[HEADER.FIELDS]', 'a1'],
  ['a1 FETCH 1 (FLAGS) (VANISHED)', 'a1'],
  ['a1 UID FETCH 1 (FLAGS) (VANISHED)', 'a1'],
  ['a1 FETCH 1 (FLAGS) (CHANGEDSINCE)', 'a1'],
  ['a1 FETCH 1 (FLAGS) (CHANGEDSINCE 99999999999999999999)', 'a1', 'imap_number_out_of_range'],
  ['a1 FETCH 4294967296 FLAGS', 'a1', 'imap_number_out_of_range'],
  ['a1 STORE 1 FLAGS', 'a1'],
  ['a1 STORE 1 +FLAGZ (\\Seen)', 'a1'],
  ['a1 STORE 1 (FOO 1) FLAGS (\\Seen)', 'a1'],
  ['a1 STORE 1 +FLAGS (\\Seen', 'a1'],
  ['a1 COPY 1', 'a1'],
  ['a1 SEARCH', 'a1'],
  ['a1 SEARCH FOO', 'a1'],
  ['a1 SEARCH SINCE 31-Feb-2024', 'a1', 'imap_date_invalid'],
  ['a1 SEARCH SINCE 2024-02-01', 'a1', 'imap_date_invalid'],
  ['a1 SEARCH OR SEEN', 'a1'],
  ['a1 SEARCH (SEEN', 'a1'],
  ['a1 SEARCH NOT', 'a1'],
  ['a1 SEARCH RETURN (FOO) ALL', 'a1'],
  ['a1 SEARCH CHARSET X-KLINGON TEXT x', 'a1', 'imap_bad_charset'],
  ['a1 SEARCH ' + 'NOT '.repeat(100) + 'SEEN', 'a1'],
  ['a1 SEARCH ' + '('.repeat(100) + 'SEEN' + ')'.repeat(100), 'a1'],
  ['a1 SEARCH LARGER -1', 'a1'],
  ['a1 SEARCH EMAILID bad/id', 'a1'],
  ['a1 SORT () UTF-8 ALL', 'a1'],
  ['a1 SORT (FOO) UTF-8 ALL', 'a1'],
  ['a1 SORT (DATE) ALL', 'a1'],
  ['a1 THREAD REFERENCES', 'a1'],
  ['a1 LIST ""', 'a1'],
  ['a1 LIST (FOO) "" "*"', 'a1'],
  ['a1 LIST (RECURSIVEMATCH) "" "*"', 'a1'],
  ['a1 LIST "" "*" RETURN (FOO)', 'a1'],
  ['a1 LIST "" "*" RETURN (STATUS ())', 'a1'],
  ['a1 STATUS INBOX ()', 'a1'],
  ['a1 STATUS INBOX (FOO)', 'a1'],
  ['a1 STATUS INBOX MESSAGES', 'a1'],
  ['a1 AUTHENTICATE', 'a1'],
  ['a1 AUTHENTICATE PLAIN not*base64', 'a1'],
  ['a1 AUTHENTICATE PLAIN abc', 'a1'],
  ['a1 ENABLE', 'a1'],
  ['a1 ID', 'a1'],
  ['a1 ID ("name")', 'a1'],
  ['a1 ID (' + Array.from({ length: 31 }, (_, i) => `"f${i}" "v"`).join(' ') + ')', 'a1'],
  ['a1 CREATE x (USE (Archive))', 'a1'],
  ['a1 RENAME a', 'a1'],
  ['a1 UID EXPUNGE', 'a1'],
  ['a1 GETQUOTA', 'a1'],
  ['a1 SETQUOTA "" (STORAGE)', 'a1'],
  ['a1 LOGIN {3+}\r\na\u0000b pass', 'a1'],
];

for (const [wire, tag, code] of BAD) {
  test(`parse error: ${wire.replace(/\r\n/g, '⏎').slice(0, 100)}`, () => {
    assert.throws(() => parseWire(wire + '\r\n'), (err: unknown) => {
      assert.ok(err instanceof ImapParseError, `got ${String(err)}`);
      assert.equal(err.tag, tag);
      if (code) assert.equal(err.code, code);
      assert.ok(!/[\r\n]/.test(err.message));
      return true;
    });
  });
}

test('parse error: BADCHARSET is a NO with the supported list', () => {
  assert.throws(() => parseWire('a1 SEARCH CHARSET X-KLINGON TEXT x\r\n'), (err: unknown) => {
    assert.ok(err instanceof ImapParseError);
    assert.equal(err.status, 'NO');
    assert.equal(err.responseCode, 'BADCHARSET (US-ASCII UTF-8)');
    return true;
  });
});

test('parse: every command gives the same result when fed byte by byte', () => {
  for (const [wire, expected] of OK) {
    const bytes = Buffer.from(wire + '\r\n', 'utf8');
    const splits = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    const { summary, reader } = drive(bytes, splits);
    assert.equal(reader.paused, null);
    assert.equal(summary.filter((s) => s[0] === 'command').length, 1, wire);
    // Re-read in one piece and compare the parse: the reader's output did not depend on the split.
    assert.deepEqual(summary, drive(bytes).summary, wire);
    assert.deepEqual(parseWire(wire + '\r\n'), expected);
  }
});
