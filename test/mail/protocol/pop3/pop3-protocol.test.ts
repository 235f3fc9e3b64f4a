import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DotStuffer, LineSplitter, TopFilter, decodeSaslPlain, errLine, multiLine, okLine, parseCommand } from '../../../../mail/protocol/pop3/index.js';

describe('parseCommand', () => {
  const table: [string, unknown][] = [
    ['USER alice@example.test', { verb: 'USER', name: 'alice@example.test' }],
    ['user  alice', { verb: 'USER', name: 'alice' }],
    ['PASS secret with spaces', { verb: 'PASS', password: 'secret with spaces' }],
    ['AUTH', { verb: 'AUTH', mechanism: null, initial: null }],
    ['auth plain', { verb: 'AUTH', mechanism: 'PLAIN', initial: null }],
    ['AUTH PLAIN AGFsaWNlAHB3', { verb: 'AUTH', mechanism: 'PLAIN', initial: 'AGFsaWNlAHB3' }],
    ['STAT', { verb: 'STAT' }],
    ['LIST', { verb: 'LIST', msg: null }],
    ['LIST 3', { verb: 'LIST', msg: 3 }],
    ['uidl 12', { verb: 'UIDL', msg: 12 }],
    ['RETR 1', { verb: 'RETR', msg: 1 }],
    ['DELE 2', { verb: 'DELE', msg: 2 }],
    ['TOP 1 0', { verb: 'TOP', msg: 1, lines: 0 }],
    ['Top 4 10', { verb: 'TOP', msg: 4, lines: 10 }],
    ['NOOP', { verb: 'NOOP' }], ['RSET', { verb: 'RSET' }], ['QUIT', { verb: 'QUIT' }], ['CAPA', { verb: 'CAPA' }], ['stls', { verb: 'STLS' }],
  ];
  for (const [line, command] of table) it(`parses ${JSON.stringify(line)}`, () => assert.deepEqual(parseCommand(line), { ok: true, command }));

  const bad: [string, string][] = [
    ['HELO x', 'unknown-command'], ['', 'unknown-command'], ['APOP a b', 'unknown-command'],
    ['USER', 'syntax'], ['USER a b', 'syntax'], ['PASS', 'syntax'], ['RETR', 'syntax'], ['RETR x', 'syntax'], ['RETR -1', 'syntax'],
    ['RETR 1 2', 'syntax'], ['DELE 1234567890', 'syntax'], ['TOP 1', 'syntax'], ['TOP 1 x', 'syntax'], ['STAT 1', 'syntax'], ['LIST 1 2', 'syntax'],
    ['AUTH PLAIN a b', 'syntax'],
  ];
  for (const [line, error] of bad) it(`refuses ${JSON.stringify(line)} as ${error}`, () => {
    const r = parseCommand(line);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error, error);
  });
});

describe('responses', () => {
  it('formats status lines without letting CR/LF through', () => {
    assert.equal(okLine(), '+OK\r\n');
    assert.equal(okLine('2 320'), '+OK 2 320\r\n');
    assert.equal(errLine('no\r\nway', 'IN-USE'), '-ERR [IN-USE] no way\r\n');
    assert.equal(errLine('plain'), '-ERR plain\r\n');
  });
  it('dot-stuffs and terminates short multi-line responses', () => {
    assert.equal(multiLine('x', ['TOP', '.dot']), '+OK x\r\nTOP\r\n..dot\r\n.\r\n');
    assert.equal(multiLine('none', []), '+OK none\r\n.\r\n');
  });
});

function stuff(chunks: string[]): string {
  const s = new DotStuffer();
  return chunks.map((c) => s.push(Buffer.from(c, 'latin1')).toString('latin1')).join('') + s.finish().toString('latin1');
}

describe('DotStuffer', () => {
  const table: [string[], string][] = [
    [['a\r\nb\r\n'], 'a\r\nb\r\n.\r\n'],
    [['.start\r\n'], '..start\r\n.\r\n'],
    [['x\r\n.\r\n'], 'x\r\n..\r\n.\r\n'],
    [['x\r\n', '.y\r\n'], 'x\r\n..y\r\n.\r\n'],
    [['x\r', '\n.', 'y\r\n'], 'x\r\n..y\r\n.\r\n'],
    [['a.b\r\n..c\r\n'], 'a.b\r\n...c\r\n.\r\n'],
    [['no newline'], 'no newline\r\n.\r\n'],
    [['ends in cr\r'], 'ends in cr\r\n.\r\n'],
    [[], '.\r\n'],
  ];
  for (const [chunks, out] of table) it(`stuffs ${JSON.stringify(chunks)}`, () => assert.equal(stuff(chunks), out));
});

function top(message: string, n: number, chunkSize: number): { out: string; done: boolean } {
  const f = new TopFilter(n);
  let out = '';
  for (let i = 0; i < message.length && !f.done; i += chunkSize) out += f.push(Buffer.from(message.slice(i, i + chunkSize), 'latin1')).toString('latin1');
  return { out, done: f.done };
}

describe('TopFilter', () => {
  const msg = 'A: 1\r\nB: 2\r\n\r\nline1\r\nline2\r\nline3\r\n';
  const table: [number, string][] = [
    [0, 'A: 1\r\nB: 2\r\n\r\n'],
    [1, 'A: 1\r\nB: 2\r\n\r\nline1\r\n'],
    [2, 'A: 1\r\nB: 2\r\n\r\nline1\r\nline2\r\n'],
    [10, msg],
  ];
  for (const [n, expected] of table) {
    for (const size of [1, 3, 1000]) it(`TOP ${n} in chunks of ${size}`, () => assert.equal(top(msg, n, size).out, expected));
  }
  it('a message without a body is all header', () => assert.equal(top('A: 1\r\nB: 2\r\n', 0, 4).out, 'A: 1\r\nB: 2\r\n'));
  it('stops reading once done', () => assert.equal(top(msg, 1, 5).done, true));
});

describe('LineSplitter', () => {
  it('splits CRLF and LF lines across chunks', () => {
    const s = new LineSplitter(100);
    assert.deepEqual(s.push(Buffer.from('USER a\r\nPA')), [{ kind: 'line', line: 'USER a' }]);
    assert.deepEqual(s.push(Buffer.from('SS b\r')), []);
    assert.deepEqual(s.push(Buffer.from('\nSTAT\nNOOP\r\n')), [{ kind: 'line', line: 'PASS b' }, { kind: 'line', line: 'STAT' }, { kind: 'line', line: 'NOOP' }]);
  });
  it('reports an overlong line once and resumes after it', () => {
    const s = new LineSplitter(10);
    assert.deepEqual(s.push(Buffer.from('x'.repeat(25))), [{ kind: 'too-long' }]);
    assert.deepEqual(s.push(Buffer.from('yyyy\r\nSTAT\r\n')), [{ kind: 'line', line: 'STAT' }]);
    assert.deepEqual(s.push(Buffer.from('z'.repeat(12) + '\r\nNOOP\r\n')), [{ kind: 'too-long' }, { kind: 'line', line: 'NOOP' }]);
  });
  it('discard() forgets a partial line', () => {
    const s = new LineSplitter(100);
    s.push(Buffer.from('USER evil'));
    s.discard();
    assert.deepEqual(s.push(Buffer.from('CAPA\r\n')), [{ kind: 'line', line: 'CAPA' }]);
  });
});

describe('decodeSaslPlain', () => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const table: [string, unknown][] = [
    [b64('\0alice@x.test\0pw'), { ok: true, username: 'alice@x.test', password: 'pw' }],
    [b64('alice@x.test\0alice@x.test\0p w'), { ok: true, username: 'alice@x.test', password: 'p w' }],
    [b64('bob@x.test\0alice@x.test\0pw'), { ok: false, reason: 'authzid' }],
    [b64('\0alice\0'), { ok: false, reason: 'format' }],
    [b64('alice pw'), { ok: false, reason: 'format' }],
    ['not base64!', { ok: false, reason: 'base64' }],
    ['abc', { ok: false, reason: 'base64' }],
  ];
  for (const [input, out] of table) it(`decodes ${input}`, () => assert.deepEqual(decodeSaslPlain(input), out));
});
