import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beginLocalDelivery } from '../../../mail/delivery/local-delivery.js';
import { createDiskReserveCheck } from '../../../mail/delivery/disk-reserve.js';
import { checkQuota } from '../../../mail/delivery/quota.js';
import { FakeMailStore, user } from '../session/smtp/harness.js';

test('local delivery: each mailbox once, body streamed, committed', async () => {
  const store = new FakeMailStore();
  const a = user('a@example.test');
  const d = beginLocalDelivery(store.asMailStore(), [a, user('b@example.test'), a]);
  const receipt = await d.deliver((async function* () { yield Buffer.from('x\r\n'); })());
  assert.equal(receipt.id, d.id);
  assert.deepEqual(store.stored[0]!.recipients, ['u-a@example.test', 'u-b@example.test']);
  await d.abort(); // after commit: no effect
  assert.deepEqual(store.aborted, []);
});

test('local delivery: a failing body aborts the transaction and rethrows', async () => {
  const store = new FakeMailStore();
  const d = beginLocalDelivery(store.asMailStore(), [user('a@example.test')]);
  await assert.rejects(d.deliver((async function* () { yield Buffer.from('x'); throw new Error('client gone'); })()), /client gone/);
  assert.deepEqual(store.aborted, [d.id]);
  assert.equal(store.stored.length, 0);
  assert.throws(() => beginLocalDelivery(store.asMailStore(), []), RangeError);
});

test('disk reserve: deferred below the reserve, probe cached for cacheMs', async () => {
  let t = 0;
  let probes = 0;
  let free = 50;
  const check = createDiskReserveCheck({ probe: async () => { probes++; return free; }, reserve: 100, now: () => t });
  const ctx = {} as never;
  assert.equal((await check.mailFrom!(ctx)).action, 'defer');
  free = 500;
  assert.equal((await check.rcptTo!(ctx, 'x')).action, 'defer'); // cached
  t = 1000;
  const r = await check.mailFrom!(ctx);
  assert.equal(r.action, 'accept');
  assert.equal(probes, 2);
});

test('quota: at or over the quota defers with 452 4.2.2', async () => {
  const store = new FakeMailStore();
  store.usageBytes.set('u-a@example.test', 10);
  assert.equal((await checkQuota(store, [user('a@example.test', 11)], 'a@example.test')).action, 'accept');
  const r = await checkQuota(store, [user('a@example.test', 10)], 'a@example.test');
  assert.deepEqual(r.action === 'defer' && [r.code, r.enhanced], [452, '4.2.2']);
  assert.equal((await checkQuota(store, [user('a@example.test', null)], 'a@example.test')).action, 'accept');
});
