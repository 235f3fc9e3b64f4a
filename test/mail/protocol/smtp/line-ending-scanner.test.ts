import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineEndingScanner, type BodyVerdict } from '../../../../mail/protocol/smtp/line-ending-scanner.js';

function scan(input: Buffer, splits: number[]): { out: string; verdict: BodyVerdict } {
  const s = new LineEndingScanner();
  const parts: Buffer[] = [];
  let prev = 0;
  for (const at of [...splits, input.length]) {
    parts.push(...s.feed(input.subarray(prev, at)).chunks);
    prev = at;
  }
  const end = s.end();
  parts.push(...end.chunks);
  return { out: Buffer.concat(parts).toString('latin1'), verdict: end.verdict };
}

/** The input fed whole, split once at every position, split twice at every pair, and byte by byte. */
function everySplit(input: string, check: (r: { out: string; verdict: BodyVerdict }, how: string) => void): void {
  const buf = Buffer.from(input, 'latin1');
  check(scan(buf, []), 'whole');
  for (let i = 0; i <= buf.length; i++) check(scan(buf, [i]), `split at ${i}`);
  if (buf.length <= 40) {
    for (let i = 0; i <= buf.length; i++) for (let j = i; j <= buf.length; j++) check(scan(buf, [i, j]), `split at ${i},${j}`);
  }
  check(scan(buf, [...Array(buf.length).keys()].slice(1)), 'byte by byte');
}

const OK: [string, string, string][] = [
  ['plain CRLF message', 'Subject: x\r\n\r\nhello\r\n', 'Subject: x\r\n\r\nhello\r\n'],
  ['bare LF normalised', 'a\nb\r\n', 'a\r\nb\r\n'],
  ['only bare LFs', 'Subject: x\n\nhello\n', 'Subject: x\r\n\r\nhello\r\n'],
  ['empty lines with bare LF', 'a\n\n\nb\n', 'a\r\n\r\n\r\nb\r\n'],
  ['dot-stuffed lone dot line bounded by CRLF is content', 'a\r\n.\r\nb\r\n', 'a\r\n.\r\nb\r\n'],
  ['lone dot as the first line, CRLF', '.\r\nb\r\n', '.\r\nb\r\n'],
  ['two dots', 'a\n..\nb\r\n', 'a\r\n..\r\nb\r\n'],
  ['dot followed by text', 'a\n.x\n', 'a\r\n.x\r\n'],
  ['dot in the middle of a line', 'a.\nb . c\n', 'a.\r\nb . c\r\n'],
  ['empty body', '', ''],
  ['a single bare LF', '\n', '\r\n'],
  ['8-bit bytes pass', 'caf\xe9\r\n\xff\xfe\n', 'caf\xe9\r\n\xff\xfe\r\n'],
];

for (const [name, input, expected] of OK) {
  test(`scanner accepts: ${name}`, () => {
    everySplit(input, (r, how) => {
      assert.equal(r.verdict, 'ok', how);
      assert.equal(r.out, expected, how);
    });
  });
}

const SMUGGLING: [string, string][] = [
  ['<LF>.<LF>', 'a\n.\nMAIL FROM:<x@y>\r\n'],
  ['<LF>.<CRLF>', 'a\n.\r\nMAIL FROM:<x@y>\r\n'],
  ['<CRLF>.<LF>', 'a\r\n.\nMAIL FROM:<x@y>\r\n'],
  ['<CR>.<CRLF>', 'a\r.\r\nMAIL FROM:<x@y>\r\n'],
  ['<CRLF>.<CR>', 'a\r\n.\rMAIL FROM:<x@y>\r\n'],
  ['<CR>.<CR>', 'a\r.\rMAIL FROM:<x@y>\r\n'],
  ['<LF>.<CR>', 'a\n.\rMAIL FROM:<x@y>\r\n'],
  ['<CR>.<LF>', 'a\r.\nMAIL FROM:<x@y>\r\n'],
  ['<CRLF>.<CR><CRLF>', 'a\r\n.\r\r\nb\r\n'],
  ['lone dot first line ending in LF', '.\nMAIL FROM:<x@y>\r\n'],
  ['lone dot first line ending in CR', '.\rMAIL FROM:<x@y>\r\n'],
  ['<LF>.<LF> at the very end', 'a\n.\n'],
  ['<LF>.<CRLF> at the very end', 'hello\n.\r\n'],
];

for (const [name, input] of SMUGGLING) {
  test(`scanner refuses smuggling: ${name}`, () => {
    everySplit(input, (r, how) => {
      assert.equal(r.verdict, 'smuggling', how);
    });
  });
}

const BARE_CR: [string, string][] = [
  ['CR inside a line', 'a\rb\r\n'],
  ['CR CR LF', 'a\r\r\n'],
  ['CR at the very end', 'a\r'],
  ['CR before a dot-free line', 'x\ry\n'],
];

for (const [name, input] of BARE_CR) {
  test(`scanner refuses bare CR: ${name}`, () => {
    everySplit(input, (r, how) => {
      assert.equal(r.verdict, 'bare-cr', how);
    });
  });
}

test('scanner hands out nothing once refused, and keeps the worst verdict', () => {
  const s = new LineEndingScanner();
  assert.equal(s.feed(Buffer.from('a\rb')).verdict, 'bare-cr');
  assert.deepEqual(s.feed(Buffer.from('more\r\n')).chunks, []);
  assert.equal(s.feed(Buffer.from('x\n.\ny')).verdict, 'smuggling');
  assert.equal(s.end().verdict, 'smuggling');
});

test('scanner counts normalised line feeds and bytes', () => {
  const s = new LineEndingScanner();
  s.feed(Buffer.from('a\nb\n'));
  s.end();
  assert.equal(s.normalisedLineFeeds, 2);
  assert.equal(s.bytesOut, 6);
});

test('scanner is fast enough for a large body', () => {
  const line = Buffer.from('x'.repeat(76) + '\r\n');
  const chunk = Buffer.concat(Array(800).fill(line)); // 62 KB
  const s = new LineEndingScanner();
  const t = Date.now();
  let n = 0;
  for (let i = 0; i < 400; i++) n += s.feed(chunk).chunks.reduce((a, c) => a + c.length, 0); // 25 MB
  assert.equal(s.end().verdict, 'ok');
  assert.equal(n, chunk.length * 400);
  assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
});
