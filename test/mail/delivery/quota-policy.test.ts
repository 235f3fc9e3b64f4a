// The quota decisions, table-driven: RCPT without a size, with SIZE=, the end of DATA for one and
// for several recipients, and the warning levels.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeLedger, judgeLedgers, messageQuotaResult, quotaCheckResult, warningLevel, type QuotaLedger, type QuotaVerdict } from '../../../mail/delivery/quota-policy.js';

const user = (used: number, quota: number | null): QuotaLedger => ({ scope: 'user', name: 'a@example.test', used, quota });
const domain = (used: number, quota: number | null): QuotaLedger => ({ scope: 'domain', name: 'example.test', used, quota });

test('judgeLedger: size unknown, SIZE= and the real size', () => {
  const cases: [QuotaLedger, number | null, QuotaVerdict['kind']][] = [
    [user(0, null), null, 'fits'],
    [user(10 ** 12, null), 10 ** 9, 'fits'],
    [user(99, 100), null, 'fits'],
    [user(100, 100), null, 'full'],
    [user(150, 100), null, 'full'],
    [user(0, 0), null, 'full'],
    [user(50, 100), 50, 'fits'], // exactly full afterwards is allowed
    [user(50, 100), 51, 'over'],
    [user(100, 100), 1, 'over'],
    [user(0, 100), 101, 'too-big'],
    [user(100, 100), 101, 'too-big'], // permanent wins: no cleaning up makes room
    [user(0, 100), 0, 'fits'], // 0 = unknown
  ];
  for (const [ledger, incoming, kind] of cases) {
    assert.equal(judgeLedger(ledger, incoming).kind, kind, `${JSON.stringify(ledger)} + ${incoming}`);
  }
});

test('judgeLedgers: the domain counts as well; too-big beats full', () => {
  assert.equal(judgeLedgers([user(10, 100), domain(1000, 1000)], null).kind, 'full');
  const v = judgeLedgers([user(10, 1000), domain(900, 1000)], 95);
  assert.equal(v.kind, 'fits');
  const over = judgeLedgers([user(10, 1000), domain(900, 1000)], 200);
  assert.equal(over.kind, 'over');
  assert.equal('ledger' in over ? over.ledger.scope : null, 'domain');
  assert.equal(judgeLedgers([user(100, 100), domain(0, 50)], 60).kind, 'too-big');
  assert.equal(judgeLedgers([], 10 ** 9).kind, 'fits');
});

test('quotaCheckResult: 452 4.2.2 temporary, 552 5.2.2 permanent, naming the recipient', () => {
  const full = quotaCheckResult(judgeLedger(user(100, 100), null), 'a@example.test', null);
  assert.deepEqual([full.action, 'code' in full && full.code, 'enhanced' in full && full.enhanced], ['defer', 452, '4.2.2']);
  assert.match('message' in full ? full.message : '', /^<a@example\.test>: mailbox full/);
  const big = quotaCheckResult(judgeLedger(user(0, 100), 200), 'a@example.test', 200);
  assert.deepEqual([big.action, 'code' in big && big.code, 'enhanced' in big && big.enhanced], ['reject', 552, '5.2.2']);
  const dom = quotaCheckResult(judgeLedger(domain(1000, 1000), null), 'a@example.test', null);
  assert.match('message' in dom ? dom.message : '', /domain is full/);
  assert.equal(quotaCheckResult({ kind: 'fits' }, 'a@example.test', null).action, 'accept');
});

test('messageQuotaResult: one reply for the whole message', () => {
  const fits: QuotaVerdict = { kind: 'fits' };
  const over: QuotaVerdict = judgeLedger(user(90, 100), 20);
  const big: QuotaVerdict = judgeLedger(user(0, 10), 20);
  const code = (r: ReturnType<typeof messageQuotaResult>) => ('code' in r ? `${r.code} ${r.enhanced}` : r.action);
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: fits }], 20)), 'accept');
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: over }], 20)), '452 4.2.2');
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: big }], 20)), '552 5.2.2');
  // Too big for everyone: permanent for everyone.
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: big }, { address: 'b@x.test', verdict: big }], 20)), '552 5.2.2');
  // Too big for one, room for another: temporary, so the other still gets it after a retry with SIZE=.
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: big }, { address: 'b@x.test', verdict: fits }], 20)), '452 4.2.2');
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: big }, { address: 'b@x.test', verdict: over }], 20)), '452 4.2.2');
  assert.equal(code(messageQuotaResult([{ address: 'a@x.test', verdict: fits }, { address: 'b@x.test', verdict: over }], 20)), '452 4.2.2');
});

test('warningLevel: 0 below 80%, 80 from 80%, 95 from 95%, 0 without a quota', () => {
  assert.equal(warningLevel(79, 100), 0);
  assert.equal(warningLevel(80, 100), 80);
  assert.equal(warningLevel(94, 100), 80);
  assert.equal(warningLevel(95, 100), 95);
  assert.equal(warningLevel(500, 100), 95);
  assert.equal(warningLevel(500, null), 0);
  assert.equal(warningLevel(0, 0), 0);
});
