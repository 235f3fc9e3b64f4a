import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imapValueToBuffer, type ImapValue } from '../../../../mail/protocol/imap-fetch/imap-value.js';
import { envelopeValue } from '../../../../mail/protocol/imap-fetch/envelope.js';
import { parameterListValue, rfc2231Value } from '../../../../mail/protocol/imap-fetch/body-parameters.js';

const text = (v: ImapValue, utf8 = false): string => imapValueToBuffer(v, { utf8 }).toString('latin1');
const utf8Text = (v: ImapValue, utf8: boolean): string => imapValueToBuffer(v, { utf8 }).toString('utf8');

describe('ImapValue serialiser', () => {
  const cases: [string, ImapValue, string][] = [
    ['NIL', null, 'NIL'],
    ['number', 42, '42'],
    ['empty string', '', '""'],
    ['plain string', 'Lunch?', '"Lunch?"'],
    ['escapes quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['four quoted-specials stay quoted', '""""', '"\\"\\"\\"\\""'],
    ['five go to a literal', '"""""', '{5}\r\n"""""'],
    ['CR or LF need a literal', 'a\r\nb', '{4}\r\na\r\nb'],
    ['NUL is dropped', 'a\0b', '"ab"'],
    ['list', ['a', null, 1], '("a" NIL 1)'],
    ['nested empty list', [[]], '(())'],
    ['adjacent members', [{ adjacent: [['a'], ['b']] }, 'mixed'], '(("a")("b") "mixed")'],
    ['explicit literal', { literal: Buffer.from('x\0y') }, '{3}\r\nx\0y'],
  ];
  for (const [name, value, expected] of cases) it(name, () => assert.equal(text(value), expected));

  it('8-bit text: a literal, or quoted UTF-8 when UTF8=ACCEPT / IMAP4rev2', () => {
    assert.equal(utf8Text('Nguyễn', false), '{8}\r\nNguyễn');
    assert.equal(utf8Text('Nguyễn', true), '"Nguyễn"');
  });
});

describe('ENVELOPE values', () => {
  it('absent fields are NIL, empty ones "", groups keep their markers', () => {
    const v = envelopeValue({
      date: null, subject: '', from: [{ name: 'Ann', adl: null, mailbox: 'ann', host: 'example.com' }], sender: null, replyTo: null,
      to: [{ name: null, adl: null, mailbox: 'Team', host: null }, { name: null, adl: '@relay.example', mailbox: 'a', host: 'example.com' }, { name: null, adl: null, mailbox: null, host: null }],
      cc: [], bcc: null, inReplyTo: null, messageId: '<m@x>',
    });
    assert.equal(text(v), '(NIL "" (("Ann" NIL "ann" "example.com")) NIL NIL ((NIL NIL "Team" NIL)(NIL "@relay.example" "a" "example.com")(NIL NIL NIL NIL)) NIL NIL NIL "<m@x>")');
  });
});

describe('body-fld-param', () => {
  it('NIL for no parameters', () => assert.equal(parameterListValue({}, { utf8: false }), null));
  it('ASCII values as they are', () => assert.equal(text(parameterListValue({ charset: 'us-ascii', name: 'a b.txt' }, { utf8: false })), '("charset" "us-ascii" "name" "a b.txt")'));
  it('non-ASCII values in RFC 2231 form, or raw with UTF-8 allowed', () => {
    assert.equal(text(parameterListValue({ filename: 'Ảnh 1.png' }, { utf8: false })), "(\"filename*\" \"utf-8''%E1%BA%A2nh%201.png\")");
    assert.equal(utf8Text(parameterListValue({ filename: 'Ảnh 1.png' }, { utf8: true }), true), '("filename" "Ảnh 1.png")');
  });
  it('percent-encodes RFC 2231 specials', () => assert.equal(rfc2231Value("é'*%;\""), "utf-8''%C3%A9%27%2A%25%3B%22"));
});
