// The forwarding layer over a real store (SQLite file and message files in a temp dir), a real
// directory and forwarders table; the outbound queue is a recording stand-in (the queue has its
// own tests, and the e2e test test/e2e/forward.test.ts sends for real).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../../core/log.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import { SqliteForwardStore } from '../../../mail/store/sqlite/forward-store.js';
import { beginForwardingDelivery, ForwardRefusal, type Forwarding } from '../../../mail/delivery/forward-delivery.js';
import { planForwardRecipient, planSrsRecipient, mergeForwards, type RecipientForward } from '../../../mail/delivery/forward-plan.js';
import { srsForward, srsReverse } from '../../../mail/srs/srs-codec.js';
import { chunks, openStoreFixture, type StoreFixture } from '../store/store-fixture.js';
import { MailroomError } from '../../../core/errors.js';

const PASSWORD = 'Vq7!trellis-Oxbow-42';
const FAST = { ln: 10, r: 8, p: 1 };
const srs = { key: Buffer.from('test key for srs'), domain: 'mx.alpha.test', maxAgeDays: 21 };

interface Queued { from: string; recipients: string[]; body: string }

describe('forwarding', () => {
  let fx: StoreFixture;
  let directory: SqliteDirectory;
  let forwards: SqliteForwardStore;
  const queued: Queued[] = [];
  let forwarding: Forwarding;

  before(async () => {
    fx = await openStoreFixture();
    directory = new SqliteDirectory({ db: fx.db, mailStore: fx.store, logger: silentLogger, passwordParams: FAST });
    forwards = new SqliteForwardStore({ db: fx.db, logger: silentLogger });
    await directory.addDomain('alpha.test');
    for (const u of ['keep@alpha.test', 'nokeep@alpha.test', 'plain@alpha.test']) await directory.addUser(u, PASSWORD);
    await directory.addAlias('team@alpha.test', ['nokeep@alpha.test', 'plain@alpha.test']);
    await forwards.setForward('keep@alpha.test', ['k@far.test'], { keepCopy: true });
    await forwards.setForward('nokeep@alpha.test', ['n@far.test'], { keepCopy: false });
    await forwards.setForward('only@alpha.test', ['o@far.test', 'O@far.test']);
    forwarding = {
      srs, forwards, directory, mailStore: fx.store, onQueued: () => undefined, now: () => new Date(),
      queue: {
        async enqueue(envelope, body) {
          const parts: Buffer[] = [];
          for await (const c of body) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
          queued.push({ from: envelope.from, recipients: envelope.recipients, body: Buffer.concat(parts).toString('utf8') });
          return `q${queued.length}`;
        },
        async remove() { /* nothing kept */ },
      },
    };
  });
  after(async () => { await fx.cleanup(); });

  async function plan(address: string): Promise<RecipientForward> {
    const p = await planForwardRecipient(forwards, address, await directory.resolve(address));
    assert.equal(p.kind, 'accept', `${address} forwards`);
    return (p as { forward: RecipientForward }).forward;
  }

  const message = (extra = '') => `Return-Path: <alice@orig.test>\r\nReceived: from x by mx.alpha.test\r\n${extra}From: alice@orig.test\r\nSubject: hi\r\n\r\nbody\r\n`;

  async function inbox(address: string, folder = 'INBOX') {
    const user = (await directory.getUser(address))!;
    return fx.store.listMessages(user.id, folder);
  }

  test('the store refuses local targets, keeping a copy without a mailbox, loops to itself and catch-alls', async () => {
    const codes = async (p: Promise<unknown>) => { try { await p; return 'ok'; } catch (err) { return (err as MailroomError).code; } };
    assert.equal(await codes(forwards.setForward('keep@alpha.test', ['plain@alpha.test'])), 'local_target');
    assert.equal(await codes(forwards.setForward('ghost@alpha.test', ['x@far.test'], { keepCopy: true })), 'no_mailbox');
    assert.equal(await codes(forwards.setForward('keep@alpha.test', ['keep@alpha.test'])), 'forward_loop');
    assert.equal(await codes(forwards.setForward('@alpha.test', ['x@far.test'])), 'invalid_address');
    assert.equal(await codes(forwards.setForward('x@nowhere.test', ['x@far.test'])), 'unknown_domain');
    assert.equal(await codes(forwards.removeForward('ghost@alpha.test')), 'unknown_forward');
    assert.deepEqual(await forwards.getForward('ONLY@alpha.test'), { address: 'only@alpha.test', targets: ['o@far.test'], keepCopy: false });
  });

  test('plans: keep, no keep (the mailbox becomes the fallback), through an alias, a +tag, a pure forwarder', async () => {
    const keep = await plan('keep@alpha.test');
    assert.deepEqual([keep.users.map((u) => u.address), keep.fallbackUsers, keep.targets, keep.forwarders], [['keep@alpha.test'], [], ['k@far.test'], ['keep@alpha.test']]);
    const nokeep = await plan('nokeep+news@alpha.test');
    assert.deepEqual([nokeep.users, nokeep.fallbackUsers.map((u) => u.address), nokeep.targets], [[], ['nokeep@alpha.test'], ['n@far.test']]);
    const team = await plan('team@alpha.test');
    assert.deepEqual([team.users.map((u) => u.address), team.fallbackUsers.map((u) => u.address), team.targets], [['plain@alpha.test'], ['nokeep@alpha.test'], ['n@far.test']]);
    const only = await plan('only@alpha.test');
    assert.deepEqual([only.users, only.fallbackUsers, only.targets], [[], [], ['o@far.test']]);
    assert.equal((await planForwardRecipient(forwards, 'plain@alpha.test', await directory.resolve('plain@alpha.test'))).kind, 'none');
    const merged = mergeForwards([keep, nokeep, team]);
    assert.deepEqual(merged.targets, ['k@far.test', 'n@far.test']);
  });

  test('SRS recipients: reversed to the sender, a local sender straight to the mailbox, forged refused', async () => {
    const deps = { srs, now: () => new Date(), directory };
    const external = await planSrsRecipient(deps, srsForward('alice@orig.test', srs, new Date()));
    assert.deepEqual(external.kind === 'accept' && external.forward.targets, ['alice@orig.test']);
    const local = await planSrsRecipient(deps, srsForward('plain@alpha.test', srs, new Date()));
    assert.deepEqual(local.kind === 'accept' && local.forward.users.map((u) => u.address), ['plain@alpha.test']);
    const forged = await planSrsRecipient(deps, 'SRS0=abcd=AA=orig.test=alice@mx.alpha.test');
    assert.equal(forged.kind === 'refuse' && forged.reply.enhanced, '5.7.1');
    assert.equal((await planSrsRecipient(deps, 'alice@mx.alpha.test')).kind, 'none');
  });

  test('forwarded once per message with an SRS sender and our trace field, no Return-Path; a copy kept', async () => {
    queued.length = 0;
    const p = mergeForwards([await plan('keep@alpha.test'), await plan('only@alpha.test')]);
    const d = beginForwardingDelivery(forwarding, [], p, { from: 'alice@orig.test', log: silentLogger });
    await d.deliver(chunks(message(), 7));
    assert.equal(queued.length, 1);
    assert.deepEqual(queued[0]!.recipients, ['k@far.test', 'o@far.test']);
    assert.deepEqual(srsReverse(queued[0]!.from, srs, new Date()), { ok: true, kind: 'SRS0', address: 'alice@orig.test' });
    assert.match(queued[0]!.body, /^X-Mailroom-Forwarded: keep@alpha\.test\r\nX-Mailroom-Forwarded: only@alpha\.test\r\nReceived: /);
    assert.doesNotMatch(queued[0]!.body, /Return-Path/i);
    assert.equal((await inbox('keep@alpha.test')).length, 1);
  });

  test('spam is not forwarded: kept copies stay, a no-keep user gets it in Junk, a pure forwarder refuses 550 5.7.1', async () => {
    queued.length = 0;
    const p = mergeForwards([await plan('keep@alpha.test'), await plan('nokeep@alpha.test')]);
    await beginForwardingDelivery(forwarding, [], p, { from: 'alice@orig.test', log: silentLogger }).deliver(chunks(message()), { folder: 'Junk' });
    assert.equal(queued.length, 0);
    assert.equal((await inbox('keep@alpha.test', 'Junk')).length, 1);
    assert.equal((await inbox('nokeep@alpha.test', 'Junk')).length, 1);
    const only = beginForwardingDelivery(forwarding, [], await plan('only@alpha.test'), { from: 'alice@orig.test', log: silentLogger });
    await assert.rejects(only.deliver(chunks(message()), { folder: 'Junk' }), (err: unknown) => err instanceof ForwardRefusal && err.result.code === 550 && err.result.enhanced === '5.7.1');
    await only.abort();
    assert.equal(queued.length, 0);
  });

  test('a loop is kept in the fallback mailbox, or refused with 554 5.4.6 when there is none', async () => {
    queued.length = 0;
    await beginForwardingDelivery(forwarding, [], await plan('nokeep@alpha.test'), { from: 'alice@orig.test', log: silentLogger })
      .deliver(chunks(message('X-Mailroom-Forwarded: NOKEEP@alpha.test\r\n')));
    assert.equal(queued.length, 0);
    assert.equal((await inbox('nokeep@alpha.test')).length, 1);
    const only = beginForwardingDelivery(forwarding, [], await plan('only@alpha.test'), { from: 'alice@orig.test', log: silentLogger });
    const hops = 'Received: from a by b\r\n'.repeat(31);
    await assert.rejects(only.deliver(chunks(message(hops))), (err: unknown) => err instanceof ForwardRefusal && err.result.code === 554 && err.result.enhanced === '5.4.6');
    assert.equal(queued.length, 0);
  });

  test('the null sender stays null', async () => {
    queued.length = 0;
    await beginForwardingDelivery(forwarding, [], await plan('only@alpha.test'), { from: '', log: silentLogger }).deliver(chunks(message()));
    assert.equal(queued[0]!.from, '');
  });
});
