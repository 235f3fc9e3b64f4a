// `mailroom user disable|enable ADDR` through this build's CLI: the account cannot log in while
// disabled, `user ls` shows it, and unknown or malformed addresses get one line and exit 1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../core/log.js';
import { openDatabase } from '../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../mail/store/sqlite/directory.js';
import type { MailStore } from '../../mail/store/contracts.js';
import { runCli } from '../ui/agent-fixture.js';

const PASSWORD = 'Vq7!trellis-Oxbow-42';
const noMailboxes = { async createMailbox() {}, async deleteMailbox() {} } as unknown as MailStore;

test('user disable and enable', { timeout: 120_000 }, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-disable-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const data = path.join(root, 'data');
  assert.equal((await runCli(data, ['init', '--hostname', 'mx.example.test'])).code, 0);
  assert.equal((await runCli(data, ['domain', 'add', 'example.test'])).code, 0);
  assert.equal((await runCli(data, ['user', 'add', 'eve@example.test', '--password-stdin'], PASSWORD)).code, 0);

  const off = await runCli(data, ['user', 'disable', 'Eve@Example.test']);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /^disabled eve@example\.test: it cannot log in; its mail is still accepted\n$/);
  assert.match((await runCli(data, ['user', 'ls'])).stdout, /^eve@example\.test\tunlimited\tdisabled\n$/);
  const json = JSON.parse((await runCli(data, ['user', 'ls', '--json'])).stdout) as { disabled: boolean }[];
  assert.equal(json[0]!.disabled, true);

  const db = openDatabase(path.join(data, 'mailroom.db'));
  t.after(() => db.close());
  const directory = new SqliteDirectory({ db, mailStore: noMailboxes, logger: silentLogger });
  assert.equal(await directory.verifyPassword('eve@example.test', PASSWORD), null);

  const on = await runCli(data, ['user', 'enable', 'eve@example.test']);
  assert.equal(on.code, 0, on.stderr);
  assert.ok(await directory.verifyPassword('eve@example.test', PASSWORD));
  assert.match((await runCli(data, ['user', 'ls'])).stdout, /^eve@example\.test\tunlimited\n$/);

  const unknown = await runCli(data, ['user', 'disable', 'nobody@example.test']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^mailroom: .*no user nobody@example\.test\n$/);
  assert.equal((await runCli(data, ['user', 'disable'])).code, 2);
});
