import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEncodedWords } from '../../../../mail/protocol/mime/encoded-words.js';

describe('RFC 2047 encoded-words', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['=?utf-8?Q?Xin_ch=C3=A0o?=', 'Xin chào'],
    ['=?UTF-8?B?WGluIGNow6Bv?=', 'Xin chào'],
    ['=?iso-8859-1?q?caf=E9?= au lait', 'café au lait'],
    ['=?utf-8?Q?a?= =?utf-8?Q?b?=', 'ab'],
    ['=?utf-8?Q?a?=\r\n =?utf-8?Q?b?= c', 'ab c'],
    ['x =?utf-8?Q?a?= y', 'x a y'],
    // One character split across two words: bytes are joined before charset decoding.
    ['=?utf-8?B?4bs=?= =?utf-8?B?hQ==?=', 'ễ'],
    ['=?windows-1258?Q?V=E3n?=', 'Văn'],
    ['=?utf-8*vi?Q?Vi=E1=BB=87t?=', 'Việt'],
    ['=?iso-8859-1?Q?a?= =?utf-8?Q?=C3=A9?=', 'aé'],
    ['=?unknown-charset?Q?abc?=', 'abc'],
    ['=?utf-8?X?bad?=', '=?utf-8?X?bad?='],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(decodeEncodedWords(input).normalize('NFC'), expected));
  }
});
