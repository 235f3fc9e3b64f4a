import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMailboxName, decodeModifiedUtf7, encodeMailboxName, encodeModifiedUtf7 } from '../../../../mail/protocol/imap/mailbox-name.js';
import { ImapParseError } from '../../../../mail/protocol/imap/errors.js';

// [Unicode, modified UTF-7] pairs; the RFC 3501 examples among them.
const PAIRS: Array<[string, string]> = [
  ['INBOX', 'INBOX'],
  ['', ''],
  ['Thư đã gửi', 'Th&AbA- &AREA4w- g&Hu0-i'],
  ['Tom & Jerry', 'Tom &- Jerry'],
  ['&', '&-'],
  ['&&', '&-&-'],
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['Отправленные', '&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-'],
  ['Papierkorb ✓', 'Papierkorb &JxM-'],
  ['Emoji 📬', 'Emoji &2D3c7A-'],
  ['Sent/Vietnamese: Hộp thư đến', 'Sent/Vietnamese: H&Htk-p th&AbA- &AREevw-n'],
];

for (const [unicode, wire] of PAIRS) {
  test(`mUTF-7: ${JSON.stringify(unicode)} <-> ${wire}`, () => {
    assert.equal(encodeModifiedUtf7(unicode), wire);
    assert.equal(decodeModifiedUtf7(wire), unicode);
    assert.equal(decodeMailboxName(Buffer.from(wire), false), unicode);
    assert.equal(encodeMailboxName(unicode, true), unicode);
    assert.equal(decodeMailboxName(Buffer.from(unicode, 'utf8'), true), unicode);
  });
}

test('mUTF-7: random strings round-trip', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = ['a', 'Z', ' ', '&', '-', '/', '.', 'ư', 'đ', 'ã', '日', '€', '📬', 'é', '~'];
  for (let n = 0; n < 500; n++) {
    const s = Array.from({ length: Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    assert.equal(decodeModifiedUtf7(encodeModifiedUtf7(s)), s, s);
  }
});

const INVALID = [
  '&Jjo', // unterminated
  '&AGE-', // encodes "a", which must be sent as is
  '&U,BTFw-&ZeVnLIqe-', // two encoded runs side by side
  '&U,B-', // bad padding bits
  '&AB-', // odd number of octets... and bad padding
  '&2D0-', // lone high surrogate
  '&AAA*-', // not base64
  'Th\u01b0', // raw 8-bit in a modified UTF-7 name
];

for (const wire of INVALID) {
  test(`mUTF-7: refuses ${JSON.stringify(wire)}`, () => {
    assert.throws(() => decodeMailboxName(Buffer.from(wire, 'utf8'), false), (e: unknown) => e instanceof ImapParseError && e.code === 'imap_mailbox_name_invalid');
  });
}

test('UTF-8 names: invalid UTF-8 and control characters are refused', () => {
  assert.throws(() => decodeMailboxName(Buffer.from([0x41, 0xff]), true), ImapParseError);
  assert.throws(() => decodeMailboxName(Buffer.from('a\tb'), true), ImapParseError);
});
