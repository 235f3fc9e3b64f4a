import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapCommandReader } from '../../../../mail/protocol/imap/command-reader.js';
import { ImapErrorCode } from '../../../../mail/protocol/imap/errors.js';
import { drive, summarise, type Summary } from './read-commands.js';

const E = ImapErrorCode;

interface ReaderCase {
  name: string;
  input: string;
  expect: Summary[];
  options?: ConstructorParameters<typeof ImapCommandReader>[0];
}

const CASES: ReaderCase[] = [
  { name: 'one command', input: 'a1 NOOP\r\n', expect: [['command', 'a1 NOOP']] },
  { name: 'pipelined commands', input: 'a1 NOOP\r\na2 CAPABILITY\r\n', expect: [['command', 'a1 NOOP'], ['command', 'a2 CAPABILITY']] },
  { name: 'bare LF accepted', input: 'a1 NOOP\na2 LOGOUT\n', expect: [['command', 'a1 NOOP'], ['command', 'a2 LOGOUT']] },
  { name: 'stray empty lines ignored', input: '\r\n\r\na1 NOOP\r\n', expect: [['command', 'a1 NOOP']] },
  {
    name: 'synchronising literal asks for continuation',
    input: 'a1 LOGIN {4}\r\nuser {6}\r\nsecret\r\n',
    expect: [['continue', 'a1', 4], ['continue', 'a1', 6], ['command', 'a1 LOGIN {4}<user> {6}<secret>']],
  },
  { name: 'non-synchronising literal (LITERAL+)', input: 'a1 LOGIN {4+}\r\nuser pass\r\n', expect: [['command', 'a1 LOGIN {4+}<user> pass']] },
  { name: 'literal8', input: 'a1 SEARCH BODY ~{3+}\r\na\u0000b\r\n', expect: [['command', 'a1 SEARCH BODY ~{3+}<a\u0000b>']] },
  { name: 'empty literal', input: 'a1 LOGIN {0+}\r\n {0+}\r\n\r\n', expect: [['command', 'a1 LOGIN {0+}<> {0+}<>']] },
  { name: 'literal holding CRLF and braces', input: 'a1 SEARCH SUBJECT {7+}\r\n{1}\r\nx}\r\n', expect: [['command', 'a1 SEARCH SUBJECT {7+}<{1}\r\nx}>']] },
  {
    name: 'APPEND streams its message',
    input: 'A003 APPEND saved-messages (\\Seen) {11}\r\nHello\r\nWorl\r\nA004 NOOP\r\n',
    expect: [['appendStart', 'A003', 11, 'A003 APPEND saved-messages (\\Seen) {11}'], ['appendData', 'Hello\r\nWorl'], ['appendEnd', 'A003'], ['command', 'A004 NOOP']],
  },
  {
    name: 'APPEND with LITERAL+ and a literal mailbox name',
    input: 'A1 APPEND {5+}\r\nINBOX {3+}\r\nabc\r\n',
    expect: [['appendStart', 'A1', 3, 'A1 APPEND {5+}| {3+}'], ['appendData', 'abc'], ['appendEnd', 'A1']],
  },
  { name: 'APPEND literal8', input: 'A1 APPEND INBOX ~{2+}\r\nx\u0000\r\n', expect: [['appendStart', 'A1', 2, 'A1 APPEND INBOX ~{2+}'], ['appendData', 'x\u0000'], ['appendEnd', 'A1']] },
  {
    name: 'APPEND followed by something else (MULTIAPPEND is not offered)',
    input: 'A1 APPEND INBOX {1+}\r\nx (\\Seen) {2+}\r\nzz\r\nA2 NOOP\r\n',
    expect: [['appendStart', 'A1', 1, 'A1 APPEND INBOX {1+}'], ['appendData', 'x'], ['error', E.appendTrailingData, 'A1'], ['command', 'A2 NOOP']],
  },
  {
    name: 'synchronising literal over the cap is refused without waiting for it',
    input: 'a1 LOGIN {1048576}\r\na2 NOOP\r\n',
    expect: [['error', E.literalTooLarge, 'a1'], ['command', 'a2 NOOP']],
    options: { maxLiteralSize: 1024 },
  },
  {
    name: 'non-synchronising literal over the cap is skipped',
    input: 'a1 LOGIN {2000+}\r\n' + 'x'.repeat(2000) + ' {3+}\r\nabc\r\na2 NOOP\r\n',
    expect: [['error', E.literalTooLarge, 'a1'], ['command', 'a2 NOOP']],
    options: { maxLiteralSize: 1024 },
  },
  {
    name: 'LITERAL-: a non-synchronising literal over 4096 octets is refused and skipped',
    input: 'a1 APPEND INBOX {5000+}\r\n' + 'y'.repeat(5000) + '\r\na2 NOOP\r\n',
    expect: [['error', E.nonSyncLiteralTooLarge, 'a1'], ['command', 'a2 NOOP']],
    options: { nonSyncLiterals: 'literal-' },
  },
  {
    name: 'LITERAL-: small non-synchronising literal is fine',
    input: 'a1 LOGIN {3+}\r\nabc def\r\n',
    expect: [['command', 'a1 LOGIN {3+}<abc> def']],
    options: { nonSyncLiterals: 'literal-' },
  },
  {
    name: 'no LITERAL+: a non-synchronising literal is refused and skipped',
    input: 'a1 LOGIN {3+}\r\nabc def\r\na2 NOOP\r\n',
    expect: [['error', E.nonSyncLiteralRefused, 'a1'], ['command', 'a2 NOOP']],
    options: { nonSyncLiterals: 'none' },
  },
  {
    name: 'APPEND over APPENDLIMIT (synchronising): NO [TOOBIG], no wait',
    input: 'a1 APPEND INBOX {1000}\r\na2 NOOP\r\n',
    expect: [['error', E.appendTooLarge, 'a1'], ['command', 'a2 NOOP']],
    options: { appendLimit: 999 },
  },
  {
    name: 'APPEND over APPENDLIMIT (non-synchronising): skipped',
    input: 'a1 APPEND INBOX {1000+}\r\n' + 'z'.repeat(1000) + '\r\na2 NOOP\r\n',
    expect: [['error', E.appendTooLarge, 'a1'], ['command', 'a2 NOOP']],
    options: { appendLimit: 999 },
  },
  {
    name: 'line too long, then resynchronised',
    input: 'a1 SEARCH ' + 'X'.repeat(200) + '\r\na2 NOOP\r\n',
    expect: [['error', E.lineTooLong, 'a1'], ['command', 'a2 NOOP']],
    options: { maxLineLength: 100 },
  },
  {
    name: 'line too long that announces a non-synchronising literal: the literal is skipped too',
    input: 'a1 SEARCH ' + 'X'.repeat(200) + ' {5+}\r\nNOOP!\r\na2 NOOP\r\n',
    expect: [['error', E.lineTooLong, 'a1'], ['command', 'a2 NOOP']],
    options: { maxLineLength: 100 },
  },
  {
    name: 'command too large across literals',
    input: 'a1 SEARCH TEXT {60+}\r\n' + 'q'.repeat(60) + ' TEXT {60+}\r\n' + 'q'.repeat(60) + '\r\na2 NOOP\r\n',
    expect: [['error', E.commandTooLarge, 'a1'], ['command', 'a2 NOOP']],
    options: { maxCommandSize: 100 },
  },
  { name: 'invalid tag', input: '+ NOOP\r\na2 NOOP\r\n', expect: [['error', E.badTag, null], ['command', 'a2 NOOP']] },
  {
    name: 'IDLE then DONE',
    input: 'a1 IDLE\r\nDONE\r\na2 NOOP\r\n',
    expect: [['command', 'a1 IDLE'], ['idleDone'], ['command', 'a2 NOOP']],
  },
  {
    name: 'IDLE then garbage',
    input: 'a1 IDLE\r\nNOOP\r\na2 NOOP\r\n',
    expect: [['command', 'a1 IDLE'], ['error', E.idleExpectedDone, null], ['command', 'a2 NOOP']],
  },
  {
    name: 'AUTHENTICATE continuation line',
    input: 'a1 AUTHENTICATE PLAIN\r\nAHVzZXIAcGFzcw==\r\na2 NOOP\r\n',
    expect: [['command', 'a1 AUTHENTICATE PLAIN'], ['auth', 'AHVzZXIAcGFzcw=='], ['command', 'a2 NOOP']],
  },
  {
    name: 'absurd literal size, synchronising: refused, not fatal',
    input: 'a1 LOGIN {99999999999}\r\na2 NOOP\r\n',
    expect: [['error', E.literalSizeInvalid, 'a1'], ['command', 'a2 NOOP']],
  },
  {
    name: 'absurd literal size, non-synchronising: fatal',
    input: 'a1 LOGIN {99999999999+}\r\na2 NOOP\r\n',
    expect: [['error', E.literalSizeInvalid, 'a1']],
  },
];

for (const c of CASES) {
  test(`reader: ${c.name}`, () => {
    const input = Buffer.from(c.input, 'latin1');
    assert.deepEqual(drive(input, [], c.options).summary, c.expect);
  });
  test(`reader: ${c.name} (split at every byte boundary)`, () => {
    const input = Buffer.from(c.input, 'latin1');
    for (let k = 1; k < input.length; k++) {
      assert.deepEqual(drive(input, [k], c.options).summary, c.expect, `split at ${k}`);
    }
    const everyByte = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(drive(input, everyByte, c.options).summary, c.expect, 'byte by byte');
  });
}

test('reader: pauses at a synchronising literal until the session decides', () => {
  const r = new ImapCommandReader();
  assert.deepEqual(summarise(r.feed(Buffer.from('a1 LOGIN {4}\r\n'))), [['continue', 'a1', 4]]);
  assert.equal(r.paused, 'literal');
  // A misbehaving client sends data before `+`: it is queued, not read.
  assert.deepEqual(r.feed(Buffer.from('user pass\r\n')), []);
  assert.deepEqual(summarise(r.acceptLiteral()), [['command', 'a1 LOGIN {4}<user> pass']]);
  assert.equal(r.paused, null);
});

test('reader: a refused synchronising APPEND reads the next command', () => {
  const r = new ImapCommandReader();
  assert.deepEqual(summarise(r.feed(Buffer.from('a1 APPEND Nope {100}\r\n'))), [['appendStart', 'a1', 100, 'a1 APPEND Nope {100}']]);
  assert.equal(r.paused, 'literal');
  assert.deepEqual(r.refuseLiteral(), []);
  assert.deepEqual(summarise(r.feed(Buffer.from('a2 NOOP\r\n'))), [['command', 'a2 NOOP']]);
});

test('reader: a refused non-synchronising APPEND skips the rest of the message', () => {
  const r = new ImapCommandReader();
  const first = summarise(r.feed(Buffer.from('a1 APPEND INBOX {10+}\r\n0123')));
  assert.deepEqual(first, [['appendStart', 'a1', 10, 'a1 APPEND INBOX {10+}'], ['appendData', '0123']]);
  r.refuseLiteral();
  assert.deepEqual(summarise(r.feed(Buffer.from('456789\r\na2 NOOP\r\n'))), [['command', 'a2 NOOP']]);
});

test('reader: STARTTLS pauses so that buffered plaintext can be discarded', () => {
  const r = new ImapCommandReader();
  assert.deepEqual(summarise(r.feed(Buffer.from('a1 STARTTLS\r\na2 LOGIN evil injected\r\n'))), [['command', 'a1 STARTTLS']]);
  assert.equal(r.paused, 'command');
  assert.equal(r.takePending().toString(), 'a2 LOGIN evil injected\r\n');
  assert.deepEqual(r.resume('command'), []);
  assert.deepEqual(summarise(r.feed(Buffer.from('a3 NOOP\r\n'))), [['command', 'a3 NOOP']]);
});

test('reader: flooding while paused is fatal, not a memory leak', () => {
  const r = new ImapCommandReader({ maxPendingBytes: 1000 });
  r.feed(Buffer.from('a1 LOGIN {4}\r\n'));
  const events = r.feed(Buffer.alloc(2000, 0x41));
  assert.equal(events.length, 1);
  assert.ok(events[0]!.type === 'error' && events[0]!.error.fatal && events[0]!.error.code === E.pendingOverflow);
  assert.ok(r.retainedBytes < 1000);
  assert.deepEqual(r.feed(Buffer.from('a2 NOOP\r\n')), []);
});

test('reader: 1,000 {1048576} announcements and their data keep memory bounded', () => {
  const r = new ImapCommandReader();
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let errors = 0;
  let commands = 0;
  for (let n = 0; n < 1000; n++) {
    // Synchronising: refused at once, and the session answers BAD; a hostile client sends the
    // megabyte anyway, which then reads as (very long) garbage lines.
    for (const e of r.feed(Buffer.from(`f${n} LOGIN {1048576}\r\n`))) {
      if (e.type === 'error') errors++;
      if (e.type === 'command') commands++;
    }
    assert.equal(r.paused, null);
    for (let k = 0; k < 16; k++) for (const e of r.feed(chunk)) if (e.type === 'error') errors++;
    r.feed(Buffer.from('\r\n'));
  }
  // Non-synchronising: skipped as they arrive.
  for (let n = 0; n < 1000; n++) {
    r.feed(Buffer.from(`g${n} LOGIN {1048576+}\r\n`));
    for (let k = 0; k < 16; k++) r.feed(chunk);
    r.feed(Buffer.from(' x\r\n'));
  }
  assert.equal(commands, 0);
  assert.ok(errors >= 1000);
  assert.ok(r.maxRetainedBytes <= 64 * 1024 + 2, `retained at most ${r.maxRetainedBytes} bytes`);
  assert.deepEqual(summarise(r.feed(Buffer.from('z1 NOOP\r\n'))), [['command', 'z1 NOOP']]);
});

test('reader: a 20 MB APPEND is streamed, never held', () => {
  const r = new ImapCommandReader();
  const size = 20 * 1024 * 1024;
  r.feed(Buffer.from(`a1 APPEND INBOX {${size}}\r\n`));
  r.acceptLiteral();
  const chunk = Buffer.alloc(256 * 1024, 0x62);
  let got = 0;
  let ended = false;
  for (let sent = 0; sent < size; sent += chunk.length) {
    for (const e of r.feed(chunk)) if (e.type === 'appendLiteralChunk') got += e.chunk.length;
  }
  for (const e of r.feed(Buffer.from('\r\n'))) if (e.type === 'appendLiteralEnd') ended = true;
  assert.equal(got, size);
  assert.ok(ended);
  assert.ok(r.maxRetainedBytes < 1024, `retained at most ${r.maxRetainedBytes} bytes`);
});

test('reader: COMPRESS pauses so the rest can be inflated', () => {
  const r = new ImapCommandReader();
  r.feed(Buffer.from('a1 COMPRESS DEFLATE\r\n\x78\x9c', 'latin1'));
  assert.equal(r.paused, 'command');
  assert.deepEqual([...r.takePending()], [0x78, 0x9c]);
});
