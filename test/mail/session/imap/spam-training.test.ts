// Filing teaches the spam filter: the verdict table (into Junk = spam, out of Junk but not to
// Trash = ham, anything else nothing), and the whole path against a real store and a real
// rspamd controller, proved by rspamd answering "already learned" for the same message after.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../../core/log.js';
import { createRspamdLearner, type RspamdLearner } from '../../../../mail/pipeline/rspamd-learner.js';
import { trainingVerdict, trainOnFiling } from '../../../../mail/session/imap/selected/spam-training.js';
import { RspamdFixture, rspamdMissing } from '../../../helpers/rspamd-fixture.js';
import { openStoreFixture, type StoreFixture } from '../../store/store-fixture.js';
import { ALICE, deliver } from '../../store/imap-helpers.js';

test('the verdict of filing from one special use to another', () => {
  const table: Array<[string | null, string | null, ReturnType<typeof trainingVerdict>]> = [
    [null, '\\Junk', 'spam'], ['\\Archive', '\\Junk', 'spam'], ['\\Junk', null, 'ham'], ['\\Junk', '\\Archive', 'ham'],
    ['\\Junk', '\\Trash', null], ['\\Junk', '\\Junk', null], [null, '\\Trash', null], [null, null, null], ['\\Sent', '\\Drafts', null],
  ];
  for (const [from, to, verdict] of table) assert.equal(trainingVerdict(from, to), verdict, `${from} -> ${to}`);
});

const missing = rspamdMissing();

describe('against a real rspamd and a real store', { skip: missing ?? false }, () => {
  let rspamd: RspamdFixture;
  let f: StoreFixture;
  let learner: RspamdLearner;
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line: string) => logs.push(JSON.parse(line)) } });
  const words = 'Cheap replica watches exclusive casino bonus claim your lottery prize now wire transfer fee urgent reply';
  const raw = `From: Winner <prize@lottery.example>\r\nTo: alice@example.test\r\nSubject: You won\r\nMessage-ID: <train-1@lottery.example>\r\n\r\n${words}\r\n${words}\r\n`;

  before(async () => {
    rspamd = await RspamdFixture.start();
    f = await openStoreFixture();
    await f.store.createMailbox(ALICE);
    learner = createRspamdLearner({ url: rspamd.controllerUrl, password: null, timeoutMs: 10_000 });
    await rspamd.bayesReady();
  });
  after(async () => {
    learner?.close();
    await f?.cleanup();
    await rspamd?.stop();
  });

  test('moved into Junk: learned as spam; moved back to INBOX: learned as ham', async () => {
    const receipt = await deliver(f, raw, [{ userId: ALICE }]);
    const uid = receipt.delivered[0]!.uid;
    const toJunk = await f.store.moveMessages(ALICE, 'INBOX', [uid], 'Junk');
    await trainOnFiling({ learner, store: f.store, logger }, ALICE, 'INBOX', 'Junk', toJunk);
    assert.ok(logs.some((l) => l.msg === 'spam filter taught' && l.verdict === 'spam' && l.learned === 1), JSON.stringify(logs));
    const again = await learner.learnSpam(Buffer.from(raw));
    assert.equal(again.learned ? 'learned' : again.reason, 'already-learned');

    const back = await f.store.moveMessages(ALICE, 'Junk', [toJunk.pairs[0]![1]], 'INBOX');
    await trainOnFiling({ learner, store: f.store, logger }, ALICE, 'Junk', 'INBOX', back);
    assert.ok(logs.some((l) => l.msg === 'spam filter taught' && l.verdict === 'ham' && l.learned === 1));
  });

  test('a controller that is down costs a warning, never an exception', async () => {
    const dead = createRspamdLearner({ url: 'http://127.0.0.1:1', password: null, timeoutMs: 2000 });
    try {
      const receipt = await deliver(f, raw.replace('train-1', 'train-2'), [{ userId: ALICE }]);
      const moved = await f.store.moveMessages(ALICE, 'INBOX', [receipt.delivered[0]!.uid], 'Junk');
      await trainOnFiling({ learner: dead, store: f.store, logger }, ALICE, 'INBOX', 'Junk', moved);
      assert.ok(logs.some((l) => l.msg === 'teaching the spam filter failed'));
    } finally { dead.close(); }
  });
});
