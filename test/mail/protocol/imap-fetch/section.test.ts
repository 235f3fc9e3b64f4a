import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBinaryDecoder, decodeAll, decodedSize } from '../../../../mail/protocol/imap-fetch/binary-decoder.js';
import { resolveBinarySection } from '../../../../mail/protocol/imap-fetch/binary-section.js';
import { formatBodyStructure } from '../../../../mail/protocol/imap-fetch/body-structure.js';
import { filterHeaderFields } from '../../../../mail/protocol/imap-fetch/header-fields.js';
import { findPart } from '../../../../mail/protocol/imap-fetch/part-path.js';
import { partialWindow } from '../../../../mail/protocol/imap-fetch/partial.js';
import { narrowToPartial, resolveBodySection } from '../../../../mail/protocol/imap-fetch/section.js';
import { parseBinarySectionSpec, parseSectionSpec } from '../../../../mail/protocol/imap-fetch/section-spec.js';
import { bodySectionBytes, indexMessage } from './fetch-helpers.js';
import { MIME_TORTURE, PLAIN_RFC822, VIETNAMESE_TORTURE } from './messages.js';

const crlf = (...lines: string[]): Buffer => Buffer.from(lines.map((l) => l + '\r\n').join(''), 'utf8');

describe('section spec parser', () => {
  const cases: [string, unknown][] = [
    ['', { part: [], text: null }],
    ['HEADER', { part: [], text: { kind: 'HEADER' } }],
    ['text', { part: [], text: { kind: 'TEXT' } }],
    ['1.2.3', { part: [1, 2, 3], text: null }],
    ['2.MIME', { part: [2], text: { kind: 'MIME' } }],
    ['2.HEADER.FIELDS (From "Subject" x-a)', { part: [2], text: { kind: 'HEADER.FIELDS', fields: ['From', 'Subject', 'x-a'], not: false } }],
    ['HEADER.FIELDS.NOT (Received)', { part: [], text: { kind: 'HEADER.FIELDS', fields: ['Received'], not: true } }],
    ['MIME', null],
    ['0', null],
    ['1.0', null],
    ['1.', null],
    ['HEADER.FIELDS ()', null],
    ['HEADER.FIELDS From', null],
    ['BODY', null],
  ];
  for (const [text, expected] of cases) it(JSON.stringify(text), () => assert.deepEqual(parseSectionSpec(text), expected));
  it('BINARY takes part numbers only', () => {
    assert.deepEqual(parseBinarySectionSpec('1.2'), [1, 2]);
    assert.deepEqual(parseBinarySectionSpec(''), []);
    assert.equal(parseBinarySectionSpec('1.TEXT'), null);
  });
});

describe('filterHeaderFields', () => {
  const block = crlf('Received: a', '\tb', 'Subject: Hi', 'X-Folded: one', '  two', 'subject : again', 'not a header', 'To: t@example.com', '');
  it('keeps the named fields with their continuation lines, in order, then the blank line', () => {
    assert.equal(filterHeaderFields(block, ['SUBJECT', 'x-folded'], false).toString(), 'Subject: Hi\r\nX-Folded: one\r\n  two\r\nsubject : again\r\n\r\n');
  });
  it('.NOT keeps every other field', () => {
    assert.equal(filterHeaderFields(block, ['subject', 'x-folded'], true).toString(), 'Received: a\r\n\tb\r\nTo: t@example.com\r\n\r\n');
  });
  it('answers just the blank line when nothing matches', () => assert.equal(filterHeaderFields(block, ['Cc'], false).toString(), '\r\n'));
  it('stops at the blank line and completes a cut-off last line', () => {
    assert.equal(filterHeaderFields(Buffer.from('A: 1\r\n\r\nA: body'), ['a'], false).toString(), 'A: 1\r\n\r\n');
    assert.equal(filterHeaderFields(Buffer.from('A: 1'), ['a'], false).toString(), 'A: 1\r\n\r\n');
  });
  it('matches names that are prefixes exactly, not by prefix', () => assert.equal(filterHeaderFields(crlf('Subject-X: 1', ''), ['subject'], false).toString(), '\r\n'));
});

describe('part numbers', () => {
  const torture = indexMessage(MIME_TORTURE);
  const vn = indexMessage(VIETNAMESE_TORTURE);
  const plain = indexMessage(PLAIN_RFC822);
  const id = (root: typeof torture.body, path: number[]): string | null => {
    const p = findPart(root, path);
    return p ? `${p.partId}:${p.type}/${p.subtype}` : null;
  };
  it('a single-part message has just part 1, its body', () => {
    assert.equal(findPart(plain.body, [1]), plain.body);
    assert.equal(findPart(plain.body, [2]), null);
    assert.equal(findPart(plain.body, [1, 1]), null);
    assert.equal(findPart(plain.body, []), null);
  });
  it('multipart children, and into a message/rfc822 with a multipart body', () => {
    assert.equal(id(torture.body, [1, 2]), '1.2:text/html');
    assert.equal(id(torture.body, [2]), '2:message/rfc822');
    assert.equal(id(torture.body, [2, 2]), '2.2:application/pdf');
    assert.equal(id(torture.body, [1, 1, 1]), null, 'a leaf has no part 1');
  });
  it('into a message/rfc822 with a single-part body: 2.1 is that body', () => {
    assert.equal(id(vn.body, [2, 1]), '2:text/plain');
    assert.equal(id(vn.body, [2, 2]), null);
  });
});

describe('partials', () => {
  it('windows and clamps', () => {
    assert.deepEqual(partialWindow(10, null), { start: 0, end: 10 });
    assert.deepEqual(partialWindow(10, { start: 2, length: 3 }), { start: 2, end: 5 });
    assert.deepEqual(partialWindow(10, { start: 8, length: 5 }), { start: 8, end: 10 });
    assert.deepEqual(partialWindow(10, { start: 20, length: 5 }), { start: 10, end: 10 });
  });
  it('narrows range plans without reading; past the end is empty', () => {
    const ix = indexMessage(PLAIN_RFC822);
    const plan = resolveBodySection(ix, parseSectionSpec('TEXT')!);
    assert.deepEqual(narrowToPartial(plan, { start: 6, length: 7 }), { kind: 'range', start: ix.body.bodyStart + 6, end: ix.body.bodyStart + 13 });
    assert.deepEqual(narrowToPartial(plan, { start: 1000, length: 7 }), { kind: 'empty' });
  });
  it('applies after filtering for HEADER.FIELDS', () => {
    const ix = indexMessage(PLAIN_RFC822);
    assert.equal(bodySectionBytes(PLAIN_RFC822, ix, 'HEADER.FIELDS (To)', { start: 4, length: 100 }).toString(), 'bob@example.org\r\n\r\n');
  });
});

describe('sections of a message/rfc822 part', () => {
  const ix = indexMessage(VIETNAMESE_TORTURE);
  const bytes = (s: string): string => bodySectionBytes(VIETNAMESE_TORTURE, ix, s, null).toString();
  it('HEADER, TEXT, MIME and the whole enclosed message', () => {
    assert.equal(bytes('2'), 'From: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\nOK.\r\n');
    assert.equal(bytes('2.HEADER'), 'From: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\n');
    assert.equal(bytes('2.TEXT'), 'OK.\r\n');
    assert.equal(bytes('2.MIME'), 'Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n');
    assert.equal(bytes('2.HEADER.FIELDS.NOT (from content-type)'), 'Subject: Re: Q3\r\n\r\n');
  });
  it('HEADER and TEXT of a part that is not a message are empty', () => {
    assert.equal(bytes('1.HEADER'), '');
    assert.equal(bytes('3.TEXT'), '');
    assert.equal(bytes('3.HEADER.FIELDS (Content-Type)'), '');
  });
});

describe('BINARY', () => {
  const ix = indexMessage(VIETNAMESE_TORTURE);
  it('plans: decode leaves, send containers as stored, refuse unknown encodings', () => {
    assert.equal(resolveBinarySection(ix, [1, 2]).kind === 'range' && (resolveBinarySection(ix, [1, 2]) as { decode: unknown }).decode, 'quoted-printable');
    assert.deepEqual(resolveBinarySection(ix, [4]), { kind: 'unknown-cte', encoding: 'x-uuencode' });
    assert.equal((resolveBinarySection(ix, [1]) as { decode: unknown }).decode, null);
    assert.deepEqual(resolveBinarySection(ix, [7]), { kind: 'empty' });
  });
  it('decodes the same whatever the chunk size', () => {
    const png = findPart(ix.body, [3])!;
    const stored = VIETNAMESE_TORTURE.subarray(png.bodyStart, png.bodyEnd);
    const whole = decodeAll('base64', stored);
    assert.equal(whole.subarray(1, 4).toString(), 'PNG');
    for (const size of [1, 2, 3, 5, 64]) {
      const d = createBinaryDecoder('base64');
      const out: Buffer[] = [];
      for (let i = 0; i < stored.length; i += size) out.push(d.feed(stored.subarray(i, i + size)));
      out.push(d.finish());
      assert.deepEqual(Buffer.concat(out), whole, `chunk size ${size}`);
    }
    assert.equal(decodedSize('base64', [stored]), 70);
  });
  it('quoted-printable soft breaks vanish', () => {
    assert.equal(decodeAll('quoted-printable', Buffer.from('a=\r\nb=C3=A0\r\n')).toString(), 'abà\r\n');
  });
  it('refuses to build a decoder for an unknown encoding', () => assert.throws(() => createBinaryDecoder('x-uuencode')));
});

describe('BODYSTRUCTURE edge cases', () => {
  // Both checked against Dovecot 2.3.19; it counts 22 octets there (see the report on sizes).
  it('an encoded message/rfc822 (not opened by the indexer) gets an empty envelope and body', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeA0KDQp5', '--b--');
    const ix = indexMessage(raw);
    assert.equal(formatBodyStructure(ix.body, { extensible: true, utf8: false }).toString(), '(("message" "rfc822" NIL NIL NIL "base64" 20 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) 1 NIL NIL NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL)');
  });
  it('a text part without charset gets us-ascii after its other parameters', () => {
    const ix = indexMessage(crlf('Content-Type: text/plain; format=flowed', '', 'x'));
    assert.equal(formatBodyStructure(ix.body, { extensible: false, utf8: false }).toString(), '("text" "plain" ("format" "flowed" "charset" "us-ascii") NIL NIL "7bit" 3 1)');
  });
});
