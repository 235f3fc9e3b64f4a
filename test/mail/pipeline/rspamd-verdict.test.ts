// rspamd's JSON answer parsed and mapped to a CheckResult, table-driven (pure; the answers are
// shaped like the ones rspamd 3.4 gives, see rspamd-client.test.ts for the real thing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRspamdReply } from '../../../mail/pipeline/rspamd-reply.js';
import { fieldValue, rspamdVerdict } from '../../../mail/pipeline/rspamd-verdict.js';
import { RspamdError } from '../../../mail/pipeline/rspamd-http.js';

const base = { is_skipped: false, score: 1.5, required_score: 15, symbols: { MIME_GOOD: { name: 'MIME_GOOD', score: -0.1 }, HFILTER_X: { name: 'HFILTER_X', score: 2.5 }, ZERO: { name: 'ZERO', score: 0 } }, messages: {}, milter: { remove_headers: { 'X-Spam': 0 } } };

test('parse: action, score, symbols by score, milter fields', () => {
  const r = parseRspamdReply(JSON.stringify({
    ...base, action: 'add header', subject: '=?UTF-8?Q?x?=',
    messages: { smtp_message: 'Gtube pattern' },
    milter: {
      remove_headers: { 'X-Spamd-Result': 0, 'X-Spam': 0 },
      add_headers: { 'X-Spamd-Result': { order: -1, value: 'default: False [11.90 / 60.00];\r\n\tSYM(10.00)[]' }, 'X-Spamd-Bar': { order: 0, value: '+++' }, 'X-Other': ['a', { value: 'b' }] },
    },
  }));
  assert.equal(r.action, 'add header');
  assert.equal(r.score, 1.5);
  assert.equal(r.requiredScore, 15);
  assert.deepEqual(r.symbols.map((s) => s.name), ['HFILTER_X', 'ZERO', 'MIME_GOOD']);
  assert.equal(r.smtpMessage, 'Gtube pattern');
  assert.equal(r.subject, '=?UTF-8?Q?x?=');
  assert.deepEqual(r.removeHeaders, ['X-Spamd-Result', 'X-Spam']);
  assert.deepEqual(r.addHeaders.map(([n]) => n), ['X-Spamd-Result', 'X-Spamd-Bar', 'X-Other', 'X-Other']);
});

for (const [name, text] of [
  ['not JSON', '<html>502 Bad Gateway</html>'],
  ['an array', '[]'],
  ['no action', JSON.stringify({ score: 1 })],
  ['no score', JSON.stringify({ action: 'reject' })],
  ['a score that is not a number', JSON.stringify({ action: 'reject', score: 'NaN' })],
  ['an error object', JSON.stringify({ error: 'cannot parse message' })],
] as const) {
  test(`parse: ${name} is a bad reply (rspamd_bad_reply)`, () => {
    assert.throws(() => parseRspamdReply(text), (err: unknown) => err instanceof RspamdError && err.code === 'rspamd_bad_reply');
  });
}

const cases: { action: string; extra?: Record<string, unknown>; want: Record<string, unknown> }[] = [
  { action: 'reject', extra: { messages: { smtp_message: 'Gtube pattern' } }, want: { action: 'reject', code: 554, enhanced: '5.7.1', message: 'Spam message rejected: Gtube pattern' } },
  { action: 'reject', want: { action: 'reject', code: 554, enhanced: '5.7.1', message: 'Spam message rejected' } },
  { action: 'soft reject', extra: { messages: { smtp_message: 'Try again\r\nlater' } }, want: { action: 'defer', code: 451, enhanced: '4.7.1', message: 'Try again later: Try again later' } },
  { action: 'add header', want: { action: 'junk' } },
  { action: 'rewrite subject', want: { action: 'junk' } },
  { action: 'discard', want: { action: 'junk' } },
  { action: 'quarantine', want: { action: 'junk' } },
  { action: 'no action', want: { action: 'add-headers' } },
  { action: 'greylist', want: { action: 'add-headers' } },
  { action: 'some custom action', want: { action: 'add-headers' } },
];

for (const c of cases) {
  test(`verdict: "${c.action}" -> ${String(c.want.action)}`, () => {
    const result = rspamdVerdict(parseRspamdReply(JSON.stringify({ ...base, action: c.action, ...c.extra })));
    for (const [k, v] of Object.entries(c.want)) assert.equal((result as Record<string, unknown>)[k], v, k);
    assert.match((result as { reason?: string }).reason ?? '', new RegExp(`^rspamd: ${c.action} score=1\\.50 HFILTER_X\\(2\\.50\\)$`));
    if (result.action === 'junk') {
      assert.deepEqual(result.headers?.slice(0, 2), [['X-Spam', 'Yes'], ['X-Spam-Status', 'Yes, score=1.50']]);
      assert.deepEqual(result.dropHeaders, ['x-spam', 'x-spam-status']);
    }
    if (result.action === 'add-headers') {
      assert.deepEqual(result.headers, [['X-Spam-Status', 'No, score=1.50']]);
      assert.deepEqual(result.dropHeaders, ['x-spam', 'x-spam-status']);
    }
  });
}

test('verdict: rewrite subject replaces the Subject; milter_headers fields are added and their old copies dropped', () => {
  const result = rspamdVerdict(parseRspamdReply(JSON.stringify({
    ...base, action: 'rewrite subject', subject: '=?UTF-8?Q?=2A=2A=2ASPAM=2A=2A=2A_Gr=C3=BC=C3=9Fe?=',
    milter: {
      remove_headers: { 'X-Spamd-Result': 0, 'X-Spam': 0 },
      add_headers: { 'X-Spamd-Result': { order: -1, value: 'default: False [43.15 / 60.00];\r\n\tMAILROOM_TEST_REWRITE(40.00)[x]' }, 'X-Spam': 'Yes', 'Bad Name': 'x', 'X-Evil': 'a\r\nInjected: yes\nmore' },
    },
  })));
  assert.equal(result.action, 'junk');
  assert.deepEqual(result.action === 'junk' ? result.headers : null, [
    ['X-Spam', 'Yes'],
    ['X-Spam-Status', 'Yes, score=1.50'],
    ['X-Spamd-Result', 'default: False [43.15 / 60.00];\r\n\tMAILROOM_TEST_REWRITE(40.00)[x]'],
    // A line break in a value can only continue the field, never start a new one.
    ['X-Evil', 'a\r\n\tInjected: yes\r\n\tmore'],
    ['Subject', '=?UTF-8?Q?=2A=2A=2ASPAM=2A=2A=2A_Gr=C3=BC=C3=9Fe?='],
  ]);
  assert.deepEqual(result.action === 'junk' ? result.dropHeaders : null, ['x-spam', 'x-spam-status', 'x-spamd-result', 'x-evil', 'subject']);
});

test('fieldValue: control characters go, folding is CRLF TAB, empty lines are dropped', () => {
  assert.equal(fieldValue('a\x00b\r\n\r\n  c\rd'), 'a b\r\n\tc\r\n\td');
  assert.equal(fieldValue('x'.repeat(20_000)).length, 8192);
});
