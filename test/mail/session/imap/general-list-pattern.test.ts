// LIST pattern matching: `*` crosses levels, `%` does not, INBOX is case-insensitive as a first
// level, and a hostile pattern costs linear work per name, not exponential.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListPattern } from '../../../../mail/session/imap/list-pattern.js';

const TABLE: Array<[string, string, boolean]> = [
  ['*', 'INBOX', true],
  ['*', 'a/b/c', true],
  ['%', 'a', true],
  ['%', 'a/b', false],
  ['a/%', 'a/b', true],
  ['a/%', 'a/b/c', false],
  ['a/*', 'a/b/c', true],
  ['a/*', 'a', false],
  ['a*', 'a', true],
  ['a%b', 'axxb', true],
  ['a%b', 'ax/xb', false],
  ['a*b', 'ax/xb', true],
  ['%/%', 'a/b', true],
  ['%/%', 'a', false],
  ['*%', 'a/b', true],
  ['%*', 'a/b', true],
  ['%%', 'a/b', false],
  ['a**b', 'ab', true],
  ['Sent', 'Sent', true],
  ['Sent', 'sent', false],
  ['inbox', 'INBOX', true],
  ['Inbox/%', 'INBOX/Sub', true],
  ['iNbOx*', 'INBOX/Sub', true],
  ['inb*', 'INBOX', false],
  ['inboxes', 'INBOXes', false],
  ['Th%', 'Thư đã gửi', true],
  ['', '', true],
];

test('matches the RFC 9051 wildcard semantics', () => {
  for (const [pattern, name, expected] of TABLE) {
    assert.equal(new ListPattern(pattern).matches(name), expected, `${pattern} vs ${name}`);
  }
});

test('a pattern built to make backtracking explode is answered at all', () => {
  // A backtracking matcher tries every way to split 2,500 characters among 400 stars before it
  // says no: more steps than could finish before the test runner's timeout. The automaton walks
  // 2,500 x 801 states. No clock here: finishing is the proof (a timed bound failed under CI load).
  const pattern = new ListPattern('*a'.repeat(400) + 'b');
  assert.equal(pattern.matches('a'.repeat(2500)), false);
  assert.equal(pattern.matches('a'.repeat(2500) + 'b'), true);
  assert.equal(pattern.cost, 801);
});

test('knows its cost and whether it ends in %', () => {
  assert.equal(new ListPattern('Sent').cost, 0);
  assert.equal(new ListPattern('a/*').cost, 3);
  assert.equal(new ListPattern('a/%').endsWithPercent, true);
  assert.equal(new ListPattern('a/*').endsWithPercent, false);
});
