// The opening both forwarding hand-offs share: who keeps a copy in any case and who only when the
// message is not forwarded, one store transaction or none, and the one-way state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openForwardTransaction } from '../../../mail/delivery/forward-transaction.js';
import type { RecipientForward } from '../../../mail/delivery/forward-plan.js';
import type { DeliveryTransaction, User } from '../../../mail/store/contracts.js';

const user = (id: string): User => ({ id, address: `${id}@example.test`, quota: null, createdAt: new Date(0) });
const plan = (over: Partial<RecipientForward>): RecipientForward => ({ users: [], fallbackUsers: [], targets: ['x@far.test'], forwarders: ['f@example.test'], ...over });

function fakeStore() {
  const aborted: string[] = [];
  let n = 0;
  return {
    aborted,
    beginDelivery: () => {
      const id = `TX${++n}`;
      return { id, abort: async () => { aborted.push(id); } } as unknown as DeliveryTransaction;
    },
  };
}

test('mailboxes: the direct ones and the plan\'s once each; the fallback ones never among them', () => {
  const store = fakeStore();
  const t = openForwardTransaction(store, [user('a'), user('b')], plan({ users: [user('b'), user('c')], fallbackUsers: [user('c'), user('d'), user('d')] }), () => 'NEW');
  assert.deepEqual(t.local.map((u) => u.id), ['a', 'b', 'c']);
  assert.deepEqual(t.fallback.map((u) => u.id), ['d']);
  assert.equal(t.id, 'TX1', 'the store transaction\'s id');
});

test('no mailbox at all: no store transaction, the id comes from newId', async () => {
  const store = fakeStore();
  const t = openForwardTransaction(store, [], plan({}), () => 'NEWID');
  assert.equal(t.tx, null);
  assert.equal(t.id, 'NEWID');
  await t.abort();
  assert.deepEqual(store.aborted, []);
});

test('abort once; after done an abort does nothing and the hand-off is no longer open', async () => {
  const store = fakeStore();
  const first = openForwardTransaction(store, [user('a')], plan({}), () => 'unused');
  first.assertOpen('delivery');
  await first.abort();
  await first.abort();
  assert.deepEqual(store.aborted, ['TX1']);
  assert.throws(() => first.assertOpen('delivery'), /delivery TX1 is already aborted/);

  const second = openForwardTransaction(store, [], plan({ fallbackUsers: [user('z')] }), () => 'unused');
  second.done();
  await second.abort();
  assert.deepEqual(store.aborted, ['TX1'], 'a finished hand-off is not aborted');
  assert.throws(() => second.assertOpen('submission'), /submission TX2 is already done/);
});
