import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSieve, SieveSyntaxError } from '../../../../mail/protocol/sieve/index.js';

describe('compileSieve: errors with line and column', () => {
  const table: [string, string, number, number, RegExp][] = [
    ['unknown command', 'keep;\n  frobnicate;', 2, 3, /unknown command "frobnicate"/],
    ['missing semicolon', 'keep\ndiscard;', 2, 1, /command "keep" takes no test/],
    ['missing semicolon at the end', 'keep', 1, 5, /expected ";" or "{" after command "keep", found end of script/],
    ['fileinto without require', 'fileinto "x";', 1, 1, /needs require "fileinto"/],
    ['require after a command', 'keep;\nrequire "fileinto";', 2, 1, /require must come before/],
    ['unsupported extension', 'require ["fileinto", "regex"];', 1, 9, /unsupported extension "regex"/],
    ['unterminated string', 'require "fileinto";\nfileinto "abc;\n', 2, 10, /unterminated string/],
    ['unterminated comment', 'keep; /* never\nends', 1, 7, /unterminated comment/],
    ['unknown test', 'if frob { keep; }', 1, 4, /unknown test "frob"/],
    ['unknown tag', 'if header :regex "a" "b" { keep; }', 1, 11, /unknown tag ":regex"/],
    ['two match types', 'if header :is :contains "a" "b" { keep; }', 1, 15, /cannot be combined/],
    ['unsupported comparator', 'if header :comparator "i;unicode" "a" "b" {}', 1, 23, /unsupported comparator/],
    ['missing argument', 'if header "subject" { keep; }', 1, 4, /needs 2 arguments/],
    ['wrong argument kind', 'if size :over "big" { keep; }', 1, 15, /expects a number/],
    ['size without :over/:under', 'if size 10 { keep; }', 1, 4, /needs :over or :under/],
    ['else without if', 'else { keep; }', 1, 1, /without a preceding "if"/],
    ['if without block', 'if true;', 1, 1, /needs a block/],
    ['missing close brace', 'if true {\n keep;\n', 3, 1, /missing "}"/],
    ['stray close brace', 'keep; }', 1, 7, /unexpected "}"/],
    ['address on a non-address header', 'if address "subject" "x" { keep; }', 1, 12, /not an address header/],
    ['envelope needs require', 'if envelope "from" "x" { keep; }', 1, 4, /needs require "envelope"/],
    ['envelope part', 'require "envelope";\nif envelope "auth" "x" { keep; }', 2, 13, /unsupported envelope part/],
    [':flags needs imap4flags', 'keep :flags "\\\\Seen";', 1, 6, /needs require "imap4flags"/],
    [':copy needs copy', 'redirect :copy "a@b.test";', 1, 10, /needs require "copy"/],
    ['redirect needs an address', 'redirect "nobody";', 1, 10, /needs a mail address/],
    ['fileinto takes a single string', 'require "fileinto";\nfileinto ["a", "b"];', 2, 10, /single string/],
    ['tag after positional', 'require "fileinto"; fileinto "a" :copy;', 1, 34, /must come before/],
    ['bad character', 'keep; @', 1, 7, /unexpected character "@"/],
    ['bad number', 'if size :over 10X { keep; }', 1, 15, /invalid number/],
    ['not with two tests', 'if not (true, false) { keep; }', 1, 4, /exactly one test/],
    ['allof without a list', 'if allof true { keep; }', 1, 4, /list of tests/],
    ['text: without newline', 'require "vacation"; vacation text: x', 1, 36, /end of the line/],
  ];
  for (const [name, source, line, column, message] of table) {
    it(name, () => {
      assert.throws(() => compileSieve(source), (err: unknown) => {
        assert.ok(err instanceof SieveSyntaxError, String(err));
        assert.match(err.message, message);
        assert.deepEqual(err.position, { line, column }, err.message);
        assert.ok(err.message.startsWith(`line ${line}: column ${column}: `));
        return true;
      });
    });
  }
});

describe('compileSieve: accepted scripts', () => {
  it('comments, case-insensitive identifiers, quantifiers', () => {
    const script = compileSieve([
      '# a comment',
      'REQUIRE ["FileInto"]; /* bracketed',
      'comment */',
      'IF Size :OVER 1k { FileInto "Big"; }',
    ].join('\r\n'));
    assert.deepEqual(script.extensions, ['fileinto']);
    assert.deepEqual(script.commands, [{ kind: 'if', branches: [{ test: { kind: 'size', over: true, limit: 1024 }, body: [{ kind: 'fileinto', mailbox: 'Big', flags: null, copy: false, create: false }] }], otherwise: null }]);
  });
  it('escapes in quoted strings', () => {
    const script = compileSieve('require "fileinto"; fileinto "a\\"b\\\\c\\d";');
    assert.deepEqual(script.commands, [{ kind: 'fileinto', mailbox: 'a"b\\cd', flags: null, copy: false, create: false }]);
  });
  it('deep nesting is refused, not a stack overflow', () => {
    assert.throws(() => compileSieve('if not '.repeat(200) + 'true { keep; }'), SieveSyntaxError);
    assert.throws(() => compileSieve('if true { '.repeat(200) + '}'.repeat(200)), SieveSyntaxError);
  });
});
