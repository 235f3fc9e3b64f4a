// The directory keeps SCRAM-SHA-256 keys next to the password hash: made at `user add`, remade
// at `user passwd`, and added at the first password login for accounts from before SCRAM. An
// independent client proves the stored keys match the password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import type { MailStore } from '../../../mail/store/contracts.js';
import { decodeScramCredentials, parseClientFirst, ScramServerExchange } from '../../../mail/auth/scram-sha256.js';
import { silentLogger } from '../../../core/log.js';
import { ScramClient } from '../../helpers/scram-client.js';

const FAST = { ln: 10, r: 8, p: 1 };
const noMailboxes = { async createMailbox() {}, async deleteMailbox() {} } as unknown as MailStore;

function proves(scram: string, user: string, password: string): boolean {
  const client = new ScramClient(user, password);
  const exchange = new ScramServerExchange(parseClientFirst(client.clientFirst()), decodeScramCredentials(scram)!);
  try {
    return client.verifyServerFinal(exchange.finish(client.clientFinal(exchange.serverFirstMessage())));
  } catch {
    return false;
  }
}

test('keys are made at add, remade at passwd, and backfilled at the first login of an older account', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mailroom-scram-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(path.join(dir, 'mailroom.db'));
  t.after(() => db.close());
  const directory = new SqliteDirectory({ db, mailStore: noMailboxes, logger: silentLogger, passwordParams: FAST });
  await directory.addDomain('example.test');
  const first = 'Tr4cing-paper-lantern';
  const second = 'Mosaic-7-harbour-gulls';
  await directory.addUser('an@example.test', first);

  const made = await directory.getScramCredentials('An@Example.test');
  assert.ok(made && proves(made.scram, 'an@example.test', first));
  assert.ok(!proves(made.scram, 'an@example.test', second));
  assert.equal(made.user.address, 'an@example.test');

  await directory.setPassword('an@example.test', second);
  const remade = await directory.getScramCredentials('an@example.test');
  assert.ok(remade && proves(remade.scram, 'an@example.test', second));

  db.prepare('UPDATE users SET scram = NULL').run();
  assert.equal(await directory.getScramCredentials('an@example.test'), null);
  assert.equal(await directory.verifyPassword('an@example.test', 'wrong-password-here'), null);
  assert.equal(await directory.getScramCredentials('an@example.test'), null, 'a failed login adds nothing');
  assert.ok(await directory.verifyPassword('an@example.test', second));
  const backfilled = await directory.getScramCredentials('an@example.test');
  assert.ok(backfilled && proves(backfilled.scram, 'an@example.test', second));
  assert.equal(await directory.getScramCredentials('nobody@example.test'), null);
});
