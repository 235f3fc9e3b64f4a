import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractBaseSubject } from '../../../../mail/protocol/imap-sort/base-subject.js';
import { compareAsciiCasemap, unicodeCasemapKey } from '../../../../mail/protocol/imap-sort/collation.js';

// [subject, base subject, reply or forward]
const TABLE: Array<[string | null, string, boolean]> = [
  [null, '', false],
  ['', '', false],
  ['Hello', 'Hello', false],
  ['  Hello   world  ', 'Hello world', false],
  ['Subject\twith\r\n tabs', 'Subject with tabs', false],
  ['Re: Hello', 'Hello', true],
  ['RE: Re: re:Hello', 'Hello', true],
  ['Fwd: Hello', 'Hello', true],
  ['Fw: Hello', 'Hello', true],
  ['FWD:Hello', 'Hello', true],
  ['Re[2]: Hello', 'Hello', true],
  ['Re [list]: Hello', 'Hello', true],
  ['[list] Re: Hello', 'Hello', true],
  ['Re: [list] Hello', 'Hello', true],
  ['[list] Hello', 'Hello', false],
  ['[a][b] Hello', 'Hello', false],
  ['[list]', '[list]', false],
  ['Re: [list]', '[list]', true],
  ['Hello (fwd)', 'Hello', true],
  ['Hello (FWD) (fwd)  ', 'Hello', true],
  ['[fwd: Hello]', 'Hello', true],
  ['[Fwd: Re: Hello (fwd)]', 'Hello', true],
  ['re: [fwd: [list] Hello]', 'Hello', true],
  ['Re: Fwd: [list] Re: Hello', 'Hello', true],
  ['Reply: Hello', 'Reply: Hello', false],
  ['Refund', 'Refund', false],
  ['Re:', '', true],
  ['Thông báo: Re: họp', 'Thông báo: Re: họp', false],
  ['Re: Thông báo', 'Thông báo', true],
];

describe('extractBaseSubject (RFC 5256 2.1)', () => {
  for (const [subject, base, reply] of TABLE) {
    it(`${JSON.stringify(subject)} -> ${JSON.stringify(base)}`, () => {
      assert.deepEqual(extractBaseSubject(subject), { base, isReplyOrForward: reply });
    });
  }
});

describe('collations', () => {
  it('i;ascii-casemap folds ASCII letters only', () => {
    assert.equal(compareAsciiCasemap('apple', 'APPLE'), 0);
    assert.ok(compareAsciiCasemap('apple', 'Banana') < 0);
    assert.ok(compareAsciiCasemap('Zebra', 'apple') > 0);
    assert.ok(compareAsciiCasemap('é', 'É') !== 0, 'non-ASCII letters are not folded');
    assert.ok(compareAsciiCasemap('', 'a') < 0, 'empty sorts first');
  });
  it('i;unicode-casemap folds case and compatibility forms', () => {
    assert.equal(unicodeCasemapKey('Émile'), unicodeCasemapKey('éMILE'));
    assert.equal(unicodeCasemapKey('ﬁle'), unicodeCasemapKey('FILE'));
  });
});
