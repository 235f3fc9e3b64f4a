import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ResponseBuilder, formatContinuation, formatParseError, formatTagged, formatUntagged, formatUntaggedStatus, isAtom, quoteString,
} from '../../../../mail/protocol/imap/response-writer.js';
import { ImapParseError } from '../../../../mail/protocol/imap/errors.js';
import { fetchItemResponseName } from '../../../../mail/protocol/imap/fetch-response-name.js';
import { parseWire } from './read-commands.js';

const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

test('writer: quoting rules', () => {
  assert.equal(quoteString('hello world'), '"hello world"');
  assert.equal(quoteString('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
  assert.equal(quoteString('line\r\nbreak'), null);
  assert.equal(quoteString('nul\u0000'), null);
  assert.equal(quoteString('Thư'), null, '8-bit needs a literal for IMAP4rev1');
  assert.equal(quoteString('Thư', { utf8: true }), '"Thư"');
  assert.equal(quoteString('x'.repeat(2000)), null);
  assert.ok(isAtom('INBOX'));
  assert.ok(!isAtom('NIL'));
  assert.ok(!isAtom('Sent Items'));
  assert.ok(!isAtom(''));
  assert.ok(!isAtom('a]b'), '] is not an atom char');
});

test('writer: values', () => {
  const b = new ResponseBuilder();
  b.raw('* LIST ').list(['\\HasNoChildren', '\\Sent'], (w, f) => w.raw(f)).sp().string('/').sp().astring('Sent Items').crlf();
  assert.equal(text(b.chunks()), '* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"\r\n');

  const env = new ResponseBuilder();
  env.list([null, 'Subject: x', 'two\r\nlines'], (w, v) => w.nstring(v));
  assert.equal(text(env.chunks()), '(NIL "Subject: x" {10}\r\ntwo\r\nlines)');

  const empty = new ResponseBuilder().list([], () => undefined).sp().astring('').sp().nstring(Buffer.alloc(0));
  assert.equal(text(empty.chunks()), '() "" ""');
});

test('writer: literals are separate chunks (bodies are not copied)', () => {
  const bodyBytes = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
  const b = new ResponseBuilder().raw('* 1 FETCH (BODY[] ').literal(bodyBytes).raw(')').crlf();
  const chunks = b.chunks();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], bodyBytes);
  assert.equal(text(chunks), `* 1 FETCH (BODY[] {${bodyBytes.length}}\r\n${bodyBytes.toString()})\r\n`);
  const bin = new ResponseBuilder().raw('BINARY[1] ').literal(Buffer.from([0, 1, 2]), true).chunks();
  assert.equal(Buffer.concat(bin).toString('latin1'), 'BINARY[1] ~{3}\r\n\u0000\u0001\u0002');
});

test('writer: status responses', () => {
  assert.equal(formatTagged('a1', 'OK', 'SELECT completed', 'READ-WRITE').toString(), 'a1 OK [READ-WRITE] SELECT completed\r\n');
  assert.equal(formatTagged('a2', 'NO', 'Mailbox does not exist', 'TRYCREATE').toString(), 'a2 NO [TRYCREATE] Mailbox does not exist\r\n');
  assert.equal(formatTagged('a3', 'BAD', 'evil\r\na4 OK injected').toString(), 'a3 BAD evil a4 OK injected\r\n');
  assert.equal(formatUntagged('23 EXISTS').toString(), '* 23 EXISTS\r\n');
  assert.equal(formatUntaggedStatus('OK', 'Still here', 'HIGHESTMODSEQ 715194045007').toString(), '* OK [HIGHESTMODSEQ 715194045007] Still here\r\n');
  assert.equal(formatUntaggedStatus('BYE', 'Logging out').toString(), '* BYE Logging out\r\n');
  assert.equal(formatContinuation('idling').toString(), '+ idling\r\n');
  assert.equal(formatContinuation().toString(), '+ \r\n');
});

test('writer: parse errors become BAD/NO with the tag, or * BAD without one', () => {
  assert.equal(formatParseError(new ImapParseError('imap_syntax', 'Expected a space', { tag: 'a1' })).toString(), 'a1 BAD Expected a space\r\n');
  assert.equal(formatParseError(new ImapParseError('imap_bad_tag', 'Invalid tag')).toString(), '* BAD Invalid tag\r\n');
  assert.equal(
    formatParseError(new ImapParseError('imap_append_too_large', 'Message too large', { tag: 'a9', status: 'NO', responseCode: 'TOOBIG' })).toString(),
    'a9 NO [TOOBIG] Message too large\r\n',
  );
});

test('writer: FETCH response names echo the request', () => {
  const cmd = parseWire('a1 UID FETCH 1 (UID BODY.PEEK[HEADER.FIELDS (From To)] BODY.PEEK[]<0.100> BODY[1.MIME] BINARY.PEEK[2]<5.10> BINARY.SIZE[2] BODY[])\r\n');
  assert.equal(cmd.name, 'FETCH');
  if (cmd.name !== 'FETCH') return;
  assert.deepEqual(cmd.items.map(fetchItemResponseName), ['UID', 'BODY[HEADER.FIELDS (From To)]', 'BODY[]<0>', 'BODY[1.MIME]', 'BINARY[2]<5>', 'BINARY.SIZE[2]', 'BODY[]']);
});
