import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReply, parseReplyLine, replyMessage, ENHANCED_PREFIX, type SmtpReply } from '../../../../mail/protocol/smtp/reply.js';

const CASES: [SmtpReply, string][] = [
  [{ code: 550, enhanced: '5.1.1', text: '<a@b.example>: no such user here' }, '550 5.1.1 <a@b.example>: no such user here\r\n'],
  [{ code: 250, enhanced: null, text: ['mx.example', 'PIPELINING', 'SIZE 100'] }, '250-mx.example\r\n250-PIPELINING\r\n250 SIZE 100\r\n'],
  [{ code: 421, enhanced: '4.3.2', text: ['a', 'b'] }, '421-4.3.2 a\r\n421 4.3.2 b\r\n'],
  [{ code: 354, enhanced: null, text: '' }, '354\r\n'],
  [{ code: 550, enhanced: '5.7.1', text: 'split\r\n250 ok' }, '550 5.7.1 split  250 ok\r\n'],
];

for (const [reply, wire] of CASES) {
  test(`formatReply ${reply.code} ${JSON.stringify(reply.text)}`, () => {
    assert.equal(formatReply(reply), wire);
  });
}

test('formatReply refuses nonsense', () => {
  assert.throws(() => formatReply({ code: 99, enhanced: null, text: 'x' }), RangeError);
  assert.throws(() => formatReply({ code: 550, enhanced: '4.1.1', text: 'x' }), RangeError);
  assert.throws(() => formatReply({ code: 550, enhanced: '5.1', text: 'x' }), RangeError);
});

test('replyMessage puts the enhanced code first', () => {
  assert.equal(replyMessage({ code: 452, enhanced: '4.3.1', text: 'full' }), '4.3.1 full');
  assert.ok(ENHANCED_PREFIX.test('4.3.1 full'));
  assert.ok(!ENHANCED_PREFIX.test('Error: 4.3.1 full'));
});

test('parseReplyLine', () => {
  assert.deepEqual(parseReplyLine('250-PIPELINING\r\n'), { code: 250, final: false, text: 'PIPELINING' });
  assert.deepEqual(parseReplyLine('250 ok'), { code: 250, final: true, text: 'ok' });
  assert.deepEqual(parseReplyLine('354'), { code: 354, final: true, text: '' });
  assert.equal(parseReplyLine('hello'), null);
});
