import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMessageIndexer, MAX_NESTING_DEPTH } from '../../../../mail/protocol/mime/message-indexer.js';
import type { BodyPart, MessageIndex } from '../../../../mail/protocol/mime/types.js';
import { CP1258_VAN_PHONG, NESTED_HEADER, PARTS, TORTURE } from './torture-message.js';

function index(raw: Buffer, chunkSize = raw.length || 1): MessageIndex {
  const ix = createMessageIndexer();
  for (let i = 0; i < raw.length; i += chunkSize) ix.feed(raw.subarray(i, i + chunkSize));
  return ix.finish();
}

function part(root: BodyPart, id: string): BodyPart {
  const walk = (p: BodyPart): BodyPart | null => {
    if (p.partId === id && p !== root) return p;
    for (const c of p.parts ?? []) { const hit = walk(c); if (hit) return hit; }
    if (p.message) { const hit = p.message.body.partId === id && p.message.body.type === 'multipart' ? null : walk(p.message.body); if (hit) return hit; }
    return null;
  };
  const found = id === '' ? root : walk(root);
  assert.ok(found, `part ${id} exists`);
  return found;
}

const slice = (raw: Buffer, a: number, b: number): string => raw.subarray(a, b).toString('latin1');

describe('message indexer: torture message', () => {
  const raw = TORTURE;
  const ix = index(raw);

  it('sizes the message and counts its lines', () => {
    assert.equal(ix.size, raw.length);
    assert.equal(ix.lines, raw.toString('latin1').split('\r\n').length - 1);
  });

  it('builds the IMAP envelope from raw header values', () => {
    assert.equal(ix.envelope.subject, '=?windows-1258?Q?Th=F4ng_b=E1o_?= =?windows-1258?Q?V=E3n_pho=CCng?=');
    assert.equal(ix.envelope.date, 'Mon, 2 Jun 2025 10:00:00 +0700 (ICT)');
    assert.deepEqual(ix.envelope.from, [{ name: '=?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?=', adl: null, mailbox: 'nva', host: 'example.vn' }]);
    assert.deepEqual(ix.envelope.sender, [{ name: null, adl: null, mailbox: 'secretary', host: 'example.vn' }]);
    assert.deepEqual(ix.envelope.replyTo, ix.envelope.from, 'Reply-To defaults to From');
    assert.deepEqual(ix.envelope.to, [
      { name: 'Tr"an, B', adl: null, mailbox: 'tranb', host: 'example.com' },
      { name: null, adl: null, mailbox: 'Team', host: null },
      { name: null, adl: null, mailbox: 'a', host: 'example.com' },
      { name: null, adl: null, mailbox: 'b', host: 'example.com' },
      { name: null, adl: null, mailbox: null, host: null },
    ]);
    assert.deepEqual(ix.envelope.cc, [
      { name: null, adl: null, mailbox: 'undisclosed-recipients', host: null },
      { name: null, adl: null, mailbox: null, host: null },
    ]);
    assert.equal(ix.envelope.bcc, null);
    assert.equal(ix.envelope.messageId, '<torture-1@example.vn>');
    assert.equal(ix.envelope.inReplyTo, '<earlier@example.com>');
  });

  it('decodes subject and sender for display (windows-1258 and UTF-8)', () => {
    assert.equal(ix.subject?.normalize('NFC'), 'Thông báo Văn phòng');
    assert.equal(ix.from, 'Nguyễn Văn A <nva@example.vn>');
    assert.equal(ix.date?.toISOString(), '2025-06-02T03:00:00.000Z');
    assert.equal(ix.messageId, '<torture-1@example.vn>');
  });

  it('keeps the top-level header fields in order, unfolded', () => {
    assert.equal(ix.headers.length, 12);
    assert.deepEqual(ix.headers[1], { name: 'Received', value: 'from mx.example.vn (mx.example.vn [192.0.2.7])\tby mail.example.com with ESMTPS id 4F2A; Mon, 2 Jun 2025 10:00:00 +0700' });
    assert.deepEqual(ix.headers[11], { name: 'Content-Type', value: 'multipart/mixed;\tboundary="outer=_boundary"' });
  });

  it('finds every part with exact offsets', () => {
    const root = ix.body;
    assert.equal(root.type, 'multipart');
    assert.equal(root.subtype, 'mixed');
    assert.equal(root.params.boundary, 'outer=_boundary');
    assert.equal(root.headerStart, 0);
    assert.ok(slice(raw, 0, root.bodyStart).endsWith('boundary="outer=_boundary"\r\n\r\n'));
    assert.equal(root.bodyEnd, raw.length);
    assert.deepEqual(root.parts!.map((p) => `${p.type}/${p.subtype}`), ['multipart/alternative', 'message/rfc822', 'application/zip', 'text/plain']);

    const expectBody = (p: BodyPart, body: string | Buffer): void => {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
      const at = raw.indexOf(bytes);
      assert.ok(at > 0, `body of ${p.partId} is in the message`);
      assert.equal(p.bodyStart, at, `bodyStart of ${p.partId}`);
      assert.equal(p.bodyEnd, at + bytes.length, `bodyEnd of ${p.partId}`);
      assert.equal(p.bodyEnd - p.bodyStart, bytes.length);
    };

    const plain = part(root, '1.1');
    assert.equal(slice(raw, plain.headerStart, plain.bodyStart), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    expectBody(plain, PARTS.plain);
    assert.equal(plain.encoding, 'quoted-printable');
    assert.equal(plain.lines, 3);

    const html = part(root, '1.2');
    expectBody(html, PARTS.html);
    assert.equal(html.params.charset, 'ISO-8859-1');
    assert.equal(html.encoding, 'base64');

    const alt = part(root, '1');
    assert.equal(slice(raw, alt.headerStart, alt.bodyStart), 'Content-Type: multipart/alternative; boundary=alt\r\n\r\n');
    assert.ok(slice(raw, alt.bodyStart, alt.bodyEnd).startsWith('--alt\r\n'));
    assert.ok(slice(raw, alt.bodyStart, alt.bodyEnd).endsWith('--alt--\r\n'), 'the epilogue (a blank line) ends before the CRLF of the next boundary');

    const rfc822 = part(root, '2');
    assert.equal(rfc822.description, 'forwarded');
    assert.ok(rfc822.message);
    const nested = rfc822.message.body;
    assert.equal(nested.headerStart, rfc822.bodyStart);
    assert.equal(slice(raw, nested.headerStart, nested.bodyStart), NESTED_HEADER);
    assert.equal(nested.bodyEnd, rfc822.bodyEnd);
    assert.ok(slice(raw, rfc822.bodyStart, rfc822.bodyEnd).endsWith('--inner-boundary--'));
    assert.equal(rfc822.lines, slice(raw, rfc822.bodyStart, rfc822.bodyEnd).split('\r\n').length);
    assert.equal(rfc822.message.envelope.subject, '=?iso-8859-1?Q?R=E9union?= de lundi');
    assert.deepEqual(rfc822.message.envelope.from, [{ name: '=?iso-8859-1?Q?Ren=E9e_Dupont?=', adl: null, mailbox: 'renee', host: 'example.fr' }]);
    assert.deepEqual(nested.parts!.map((p) => p.partId), ['2.1', '2.2']);
    const nestedText = nested.parts![0]!;
    assert.equal(nestedText.headerStart, nestedText.bodyStart - 2, 'a part with no header fields has just its blank line');
    assert.deepEqual([nestedText.type, nestedText.subtype, nestedText.params], ['text', 'plain', { charset: 'us-ascii' }]);
    expectBody(nestedText, PARTS.nestedText);
    assert.equal(nestedText.lines, 2);
    const pdf = nested.parts![1]!;
    expectBody(pdf, PARTS.pdf);
    assert.deepEqual(pdf.disposition, { type: 'attachment', params: { filename: 'agenda.pdf' } });
    assert.equal(Buffer.from(slice(raw, pdf.bodyStart, pdf.bodyEnd), 'base64').toString('latin1'), '%PDF-1.4\n% fake pdf body for tests\n%%EOF\n');

    const zip = part(root, '3');
    expectBody(zip, PARTS.zip);
    assert.equal(zip.params.name, 'Báo cáo Q3.zip', 'RFC 2231 continuation with charset');
    assert.deepEqual(zip.disposition, { type: 'attachment', params: { filename: 'Báo cáo Q3.zip', size: '300' } });
    assert.equal(zip.id, '<zip@example.vn>');

    const cp = part(root, '4');
    expectBody(cp, CP1258_VAN_PHONG);
    assert.deepEqual(cp.language, ['vi']);
    assert.equal(cp.encoding, '8bit');
    assert.equal(cp.lines, 1);
  });

  it('collects decoded search text but no attachment bytes', () => {
    const text = ix.searchText.normalize('NFC');
    for (const expected of ['Thông báo Văn phòng', 'Nguyễn Văn A', 'Xin chào các bạn,dòng này nối tiếp.', 'Hẹn gặp lại!', 'Grüße aus München', 'Tom & Jerry', 'Réunion de lundi', 'Nested body text', 'Văn phòng']) {
      assert.ok(text.includes(expected), `search text has ${JSON.stringify(expected)}:\n${text}`);
    }
    assert.ok(!text.includes('color: red'), 'style content is not text');
    assert.ok(!text.includes('PDF'), 'base64 attachments are not indexed');
    assert.ok(!text.includes('<p>'));
  });

  it('gives the same index whatever the chunk size', () => {
    const whole = JSON.stringify(ix);
    for (const size of [1, 2, 3, 7, 64, 1000]) assert.equal(JSON.stringify(index(raw, size)), whole, `chunks of ${size}`);
  });
});

interface Case {
  name: string;
  raw: string | Buffer;
  check: (ix: MessageIndex, raw: Buffer) => void;
}

const CASES: Case[] = [
  {
    name: 'empty message',
    raw: '',
    check: (ix) => {
      assert.equal(ix.size, 0);
      assert.equal(ix.body.bodyStart, 0);
      assert.equal(ix.body.bodyEnd, 0);
      assert.equal(ix.envelope.subject, null);
    },
  },
  {
    name: 'headers only, no blank line, no final newline',
    raw: 'Subject: only\r\nFrom: a@b.c',
    check: (ix, raw) => {
      assert.equal(ix.envelope.subject, 'only');
      assert.equal(ix.body.bodyStart, raw.length);
      assert.equal(ix.body.lines, 0);
      assert.equal(ix.lines, 2);
    },
  },
  {
    name: 'no blank line after headers: body starts at the first non-header line',
    raw: 'Subject: x\r\nthis is body\r\nmore\r\n',
    check: (ix, raw) => {
      assert.equal(slice(raw, ix.body.bodyStart, ix.body.bodyEnd), 'this is body\r\nmore\r\n');
      assert.equal(ix.body.lines, 2);
      assert.equal(ix.searchText, 'x\nthis is body\nmore');
    },
  },
  {
    name: 'bare LF line endings',
    raw: 'Subject: lf\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\ntwo\n--b\n\nthree\n--b--\n',
    check: (ix, raw) => {
      const [p1, p2] = ix.body.parts!;
      assert.equal(slice(raw, p1!.headerStart, p1!.bodyStart), 'Content-Type: text/plain\n\n');
      assert.equal(slice(raw, p1!.bodyStart, p1!.bodyEnd), 'one\ntwo');
      assert.equal(p1!.lines, 2);
      assert.equal(slice(raw, p2!.bodyStart, p2!.bodyEnd), 'three');
      assert.ok(ix.searchText.includes('one\ntwo'));
    },
  },
  {
    name: 'missing close delimiter: the last part runs to the end',
    raw: 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nfirst\r\n--b\r\n\r\nlast\r\n',
    check: (ix, raw) => {
      const last = ix.body.parts![1]!;
      assert.equal(slice(raw, last.bodyStart, last.bodyEnd), 'last\r\n');
      assert.equal(last.bodyEnd, raw.length);
    },
  },
  {
    name: 'multipart without any boundary line becomes one plain part',
    raw: 'Content-Type: multipart/mixed; boundary=nothere\r\n\r\njust text\r\n',
    check: (ix, raw) => {
      assert.equal(ix.body.parts!.length, 1);
      const only = ix.body.parts![0]!;
      assert.equal(only.partId, '1');
      assert.equal(slice(raw, only.bodyStart, only.bodyEnd), 'just text\r\n');
    },
  },
  {
    name: 'multipart without boundary parameter',
    raw: 'Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\ntext\r\n',
    check: (ix) => assert.equal(ix.body.parts!.length, 1),
  },
  {
    name: 'an inner part without close delimiter is closed by the outer boundary',
    raw: 'Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n\r\na\r\n--outer\r\n\r\nb\r\n--outer--\r\n',
    check: (ix, raw) => {
      const [alt, b] = ix.body.parts!;
      assert.equal(slice(raw, alt!.parts![0]!.bodyStart, alt!.parts![0]!.bodyEnd), 'a');
      assert.equal(slice(raw, b!.bodyStart, b!.bodyEnd), 'b');
      assert.equal(b!.partId, '2');
    },
  },
  {
    name: 'a boundary that is a prefix of another line is not matched',
    raw: 'Content-Type: multipart/mixed; boundary=abc\r\n\r\n--abc\r\n\r\n--abcdef\r\n--abc--\r\n',
    check: (ix, raw) => {
      assert.equal(ix.body.parts!.length, 1);
      assert.equal(slice(raw, ix.body.parts![0]!.bodyStart, ix.body.parts![0]!.bodyEnd), '--abcdef');
    },
  },
  {
    name: 'boundary followed by whitespace still matches',
    raw: 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b  \r\n\r\nx\r\n--b-- \r\n',
    check: (ix) => assert.equal(ix.body.parts!.length, 1),
  },
  {
    name: 'header runs straight into the first boundary',
    raw: 'Content-Type: multipart/mixed; boundary=b\r\n--b\r\n\r\nx\r\n--b--\r\n',
    check: (ix, raw) => {
      assert.equal(ix.body.parts!.length, 1);
      assert.equal(slice(raw, ix.body.parts![0]!.bodyStart, ix.body.parts![0]!.bodyEnd), 'x');
    },
  },
  {
    name: '8-bit garbage in headers and body',
    raw: Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\r\nFrom: J\xf6rg <j@x.de>\r\n\r\nbody '), Buffer.from([0x80, 0x81, 0xc3]), Buffer.from('\r\n')]),
    check: (ix) => {
      assert.equal(ix.envelope.subject, 'caf\u00e9\u00ff\u00fe', 'non-UTF-8 headers are read as Latin-1');
      assert.ok(ix.searchText.includes('body'));
    },
  },
  {
    name: 'UTF-8 headers (RFC 6532)',
    raw: 'Subject: Chào bạn\r\nFrom: Lê Thị <le@example.vn>\r\n\r\nhi\r\n',
    check: (ix) => {
      assert.equal(ix.subject, 'Chào bạn');
      assert.deepEqual(ix.envelope.from, [{ name: 'Lê Thị', adl: null, mailbox: 'le', host: 'example.vn' }]);
    },
  },
  {
    name: 'a 100 KB line without a line break',
    raw: 'Subject: long\r\n\r\n' + 'x'.repeat(100_000) + '\r\nend\r\n',
    check: (ix, raw) => {
      assert.equal(ix.body.bodyEnd, raw.length);
      assert.equal(ix.body.lines, 2);
      assert.equal(ix.lines, 4);
    },
  },
  {
    name: 'multipart/digest children default to message/rfc822',
    raw: 'Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: inner\r\n\r\nhello\r\n--d--\r\n',
    check: (ix) => {
      const child = ix.body.parts![0]!;
      assert.equal(`${child.type}/${child.subtype}`, 'message/rfc822');
      assert.equal(child.message?.envelope.subject, 'inner');
      assert.equal(child.message?.body.lines, 1);
    },
  },
  {
    name: 'deep nesting is capped instead of recursing without end',
    raw: (() => {
      let head = '';
      let tail = '';
      for (let i = 0; i < 200; i++) {
        head += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
        tail = `\r\n--b${i}--` + tail;
      }
      return head + 'Content-Type: text/plain\r\n\r\ndeep' + tail + '\r\n';
    })(),
    check: (ix) => {
      let depth = 0;
      let p: BodyPart = ix.body;
      while (p.parts && p.parts.length) { p = p.parts[0]!; depth++; }
      assert.equal(depth, MAX_NESTING_DEPTH + 1);
    },
  },
  {
    name: 'encoded message/rfc822 is an opaque leaf',
    raw: 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp5DQo=\r\n--b--\r\n',
    check: (ix) => assert.equal(ix.body.parts![0]!.message, undefined),
  },
  {
    name: 'quoted-printable soft breaks and HTML entities in search text',
    raw: 'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<div>caf=C3=A9 &amp; th=\r\n=C3=A9</div><script>var x = "secret";</script><p>&#7841;&#x1EA1; ok</p>\r\n',
    check: (ix) => {
      assert.ok(ix.searchText.includes('café & thé'), ix.searchText);
      assert.ok(ix.searchText.includes('ạạ ok'), ix.searchText);
      assert.ok(!ix.searchText.includes('secret'));
    },
  },
];

describe('message indexer: malformed and edge-case messages', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const raw = typeof c.raw === 'string' ? Buffer.from(c.raw, 'utf8') : c.raw;
      const whole = index(raw);
      c.check(whole, raw);
      assert.equal(JSON.stringify(index(raw, 1)), JSON.stringify(whole), 'byte-by-byte feeding gives the same index');
    });
  }

  it('caps search text and header blocks', () => {
    const raw = Buffer.from('Subject: big\r\n' + `X-Junk: ${'j'.repeat(100_000)}\r\n` + '\r\n' + 'word '.repeat(100_000) + '\r\n');
    const ix = index(raw, 4096);
    assert.ok(ix.searchText.length <= 256 * 1024);
    assert.ok(ix.headers.reduce((n, h) => n + h.value.length, 0) < 64 * 1024);
    assert.equal(ix.body.bodyEnd, raw.length);
  });

  it('refuses feed() after finish()', () => {
    const ix = createMessageIndexer();
    ix.finish();
    assert.throws(() => ix.feed(Buffer.from('x')));
  });
});
