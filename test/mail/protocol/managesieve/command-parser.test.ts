import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeString, parseCommand, response, type ParseResult } from '../../../../mail/protocol/managesieve/index.js';

const s = (value: string) => ({ kind: 'string', value });
const n = (value: number) => ({ kind: 'number', value });

describe('managesieve parseCommand', () => {
  const table: [string, string, ParseResult][] = [
    ['bare command', 'CAPABILITY\r\n', { kind: 'command', name: 'CAPABILITY', args: [], consumed: 12 }],
    ['case-insensitive verb', 'logout\r\n', { kind: 'command', name: 'LOGOUT', args: [], consumed: 8 }],
    ['quoted strings', 'RENAMESCRIPT "a b" "c\\"d\\\\"\r\n', { kind: 'command', name: 'RENAMESCRIPT', args: [s('a b'), s('c"d\\')] as never, consumed: 29 }],
    ['non-synchronising literal', 'PUTSCRIPT "x" {5+}\r\nkeep;\r\n', { kind: 'command', name: 'PUTSCRIPT', args: [s('x'), s('keep;')] as never, consumed: 27 }],
    ['synchronising literal', 'CHECKSCRIPT {5}\r\nkeep;\r\n', { kind: 'command', name: 'CHECKSCRIPT', args: [s('keep;')] as never, consumed: 24 }],
    ['literal with CRLF inside', 'CHECKSCRIPT {7+}\r\nkeep;\r\n\r\n', { kind: 'command', name: 'CHECKSCRIPT', args: [s('keep;\r\n')] as never, consumed: 27 }],
    ['number', 'HAVESPACE "s" 1024\r\n', { kind: 'command', name: 'HAVESPACE', args: [s('s'), n(1024)] as never, consumed: 20 }],
    ['utf-8 in a quoted string', 'GETSCRIPT "Ferien ü"\r\n', { kind: 'command', name: 'GETSCRIPT', args: [s('Ferien ü')] as never, consumed: 23 }],
    ['incomplete line', 'LISTSCR', { kind: 'incomplete' }],
    ['incomplete quoted', 'GETSCRIPT "abc', { kind: 'incomplete' }],
    ['incomplete literal body', 'PUTSCRIPT "x" {10+}\r\nkeep', { kind: 'incomplete' }],
    ['missing space', 'GETSCRIPT"x"\r\n', { kind: 'error', message: 'Expected a space between arguments', consumed: 14, skip: 0, literalTooLarge: false }],
    ['bad escape', 'GETSCRIPT "a\\n"\r\n', { kind: 'error', message: 'Invalid escape in a quoted string', consumed: 17, skip: 0, literalTooLarge: false }],
    ['atom argument', 'GETSCRIPT abc\r\n', { kind: 'error', message: 'Expected a string, a literal or a number', consumed: 15, skip: 0, literalTooLarge: false }],
    ['literal brace not closed on its line', 'PUTSCRIPT "x" {12\r\nNOOP }\r\n', { kind: 'error', message: 'Malformed literal', consumed: 19, skip: 0, literalTooLarge: false }],
    ['literal too large', 'PUTSCRIPT "x" {100+}\r\n', { kind: 'error', message: 'Literal too large (at most 50 bytes)', consumed: 22, skip: 100, literalTooLarge: true }],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => assert.deepEqual(parseCommand(Buffer.from(input), { maxLiteral: 50 }), expected));
  }
  it('a SASL response line has no verb', () => {
    assert.deepEqual(parseCommand(Buffer.from('"AGJvYgBwdw=="\r\n'), { maxLiteral: 50, argumentsOnly: true }), { kind: 'command', name: '', args: [s('AGJvYgBwdw==')], consumed: 16 });
  });
});

describe('managesieve responses', () => {
  it('encodes strings quoted or as literals', () => {
    assert.equal(encodeString('abc'), '"abc"');
    assert.equal(encodeString('a"b\\'), '"a\\"b\\\\"');
    assert.equal(encodeString('two\r\nlines'), '{10}\r\ntwo\r\nlines');
  });
  it('formats OK/NO/BYE with codes', () => {
    assert.equal(response('OK'), 'OK\r\n');
    assert.equal(response('NO', 'line 2: column 3: unknown command "x"'), 'NO "line 2: column 3: unknown command \\"x\\""\r\n');
    assert.equal(response('NO', 'There is no script', 'NONEXISTENT'), 'NO (NONEXISTENT) "There is no script"\r\n');
    assert.equal(response('BYE', 'bye', 'TRYLATER'), 'BYE (TRYLATER) "bye"\r\n');
  });
});
