// The control routes behind the panel's mailbox view, account disabling and DNS check, over the
// real socket to a real store: folders and messages listed with flags, one message read (text,
// headers, attachments) without its \Seen flag changing, the raw bytes streamed; a disabled
// account refused at login (password and SCRAM) exactly like a wrong password, its mail still
// delivered; the DNS check's statuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../../core/log.js';
import { ControlError } from '../../../mail/control/control-client.js';
import { dnsRoutes } from '../../../mail/control/routes/dns.js';
import type { ControlDeps } from '../../../mail/control/control-deps.js';
import type { CheckResolver } from '../../../mail/dns/dns-check.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import { openControlFixture, PASSWORD, type ControlFixture } from './control-fixture.js';

const MIXED = [
  'From: =?UTF-8?Q?B=C3=A9a?= <bea@far.example>',
  'To: ann@example.test',
  'Subject: =?UTF-8?Q?Qu=C3=BD_I?= report',
  'Date: Tue, 03 Mar 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Xin ch=C3=A0o, the figures are attached.',
  '--b1',
  'Content-Type: application/pdf; name="q1.pdf"',
  'Content-Disposition: attachment; filename="q1.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQKJcfsj6IK',
  '--b1--',
  '',
].join('\r\n');

async function deliver(f: ControlFixture, userId: string, text: string): Promise<void> {
  const tx = f.mailStore.beginDelivery();
  tx.addRecipient({ userId });
  await tx.writeBody((async function* () { yield Buffer.from(text); })());
  await tx.commit();
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

test('mailbox view: folders, messages with flags, one message read without marking it seen, raw bytes', async (t) => {
  const f = await openControlFixture();
  t.after(() => f.cleanup());
  await f.directory.addDomain('example.test');
  const ann = await f.directory.addUser('ann@example.test', PASSWORD);
  await deliver(f, ann.id, MIXED);
  await deliver(f, ann.id, 'From: x@far.example\r\nSubject: second\r\n\r\nplain body\r\n');

  const folders = await f.client.listFolders('ann@example.test');
  const inbox = folders.find((x) => x.name === 'INBOX')!;
  assert.equal(inbox.messages, 2);
  assert.equal(inbox.unseen, 2);
  assert.ok(folders.some((x) => x.name === 'Sent' && x.specialUse === '\\Sent'));

  const list = await f.client.listMessages('ann@example.test', 'INBOX');
  assert.deepEqual(list.map((m) => m.subject), ['second', 'Quý I report'], 'newest first, subjects decoded');
  const first = list[1]!;
  assert.equal(first.from, 'Béa <bea@far.example>');
  assert.equal(first.date, '2026-03-03T10:00:00.000Z');
  assert.deepEqual(first.flags, []);

  const view = await f.client.readMessage('ann@example.test', 'INBOX', first.uid);
  assert.equal(view.text?.trim(), 'Xin chào, the figures are attached.');
  assert.equal(view.textTruncated, false);
  assert.deepEqual(view.attachments, [{ filename: 'q1.pdf', contentType: 'application/pdf', size: view.attachments[0]!.size }]);
  assert.ok(view.attachments[0]!.size > 0);
  assert.ok(view.headers.some((h) => h.name === 'Subject' && h.value === 'Quý I report'));
  // Reading is not seeing: the owner's \Seen flag and unseen count are untouched.
  assert.deepEqual((await f.client.listMessages('ann@example.test', 'INBOX'))[1]!.flags, []);
  assert.equal((await f.client.listFolders('ann@example.test')).find((x) => x.name === 'INBOX')!.unseen, 2);

  const raw = await f.client.openRawMessage('ann@example.test', 'INBOX', first.uid);
  assert.equal(raw.size, Buffer.byteLength(MIXED));
  assert.equal(await collect(raw.stream), MIXED);

  // Refusals carry the daemon's codes, before any byte of a download.
  await assert.rejects(f.client.readMessage('ann@example.test', 'INBOX', 999), (e: ControlError) => e.code === 'unknown_message' && e.status === 404);
  await assert.rejects(f.client.openRawMessage('ann@example.test', 'INBOX', 999), (e: ControlError) => e.code === 'unknown_message' && e.status === 404);
  await assert.rejects(f.client.listMessages('ann@example.test', 'Nope'), (e: ControlError) => e.code === 'unknown_folder');
  await assert.rejects(f.client.listFolders('nobody@example.test'), (e: ControlError) => e.code === 'unknown_user');
});

test('a disabled account cannot log in (password or SCRAM), answers like a wrong password, and still gets mail', async (t) => {
  const f = await openControlFixture();
  t.after(() => f.cleanup());
  await f.directory.addDomain('example.test');
  await f.directory.addUser('bob@example.test', PASSWORD);
  assert.ok(await f.directory.verifyPassword('bob@example.test', PASSWORD));
  assert.ok(await f.directory.getScramCredentials('bob@example.test'));

  const off = await f.client.setUserDisabled('bob@example.test', true);
  assert.equal(off.disabled, true);
  assert.equal((await f.client.getUser('bob@example.test')).disabled, true);
  assert.equal(await f.directory.verifyPassword('bob@example.test', PASSWORD), null);
  assert.equal(await f.directory.getScramCredentials('bob@example.test'), null);
  // Mail for a disabled account is still accepted: it is someone away, not someone gone.
  const resolved = await f.directory.resolve('bob@example.test');
  assert.equal(resolved.kind, 'mailboxes');
  await deliver(f, off.id, 'Subject: while away\r\n\r\nhi\r\n');
  assert.equal((await f.client.listMessages('bob@example.test', 'INBOX')).length, 1);

  const on = await f.client.setUserDisabled('bob@example.test', false);
  assert.equal(on.disabled, false);
  assert.ok(await f.directory.verifyPassword('bob@example.test', PASSWORD));
  await assert.rejects(f.client.setUserDisabled('nobody@example.test', true), (e: ControlError) => e.code === 'unknown_user' && e.status === 404);
});

test('the disabled check logs why, and the reason never reaches the caller', async (t) => {
  const f = await openControlFixture();
  t.after(() => f.cleanup());
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', sink: { write(line: string) { lines.push(JSON.parse(line) as Record<string, unknown>); return true; } } });
  const directory = new SqliteDirectory({ db: f.db, mailStore: f.mailStore, logger, passwordParams: { ln: 10, r: 8, p: 1 } });
  await directory.addDomain('example.test');
  await directory.addUser('cy@example.test', PASSWORD);
  await directory.setDisabled('cy@example.test', true);
  assert.equal(await directory.verifyPassword('cy@example.test', PASSWORD), null);
  assert.equal(await directory.verifyPassword('cy@example.test', 'wrong'), null);
  const refusals = lines.filter((l) => l.msg === 'login refused: account disabled');
  assert.equal(refusals.length, 1, 'logged once: for the right password (a wrong one is a wrong password)');
  assert.equal(refusals[0]!.address, 'cy@example.test');
});

test('the DNS check route: present, missing and wrong, through the resolver it is given', async (t) => {
  const f = await openControlFixture();
  t.after(() => f.cleanup());
  await f.directory.addDomain('example.test');
  const resolver: CheckResolver = {
    async resolveMx() { return [{ exchange: 'mx.example.com', priority: 10 }]; },
    async resolveTxt(name) {
      if (name.startsWith('example.test')) return [['v=spf1 a -all']];
      throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    },
    async resolveCname() { throw Object.assign(new Error('nx'), { code: 'ENODATA' }); },
    async resolveSrv() { throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' }); },
  };
  const [, check] = dnsRoutes({ hostname: 'mx.example.com', clientPorts: { submission: 587, submissions: 465, imaps: 993, pop3s: null }, directory: f.directory, dkimKeys: f.dkimKeys, dnsCheck: resolver } as unknown as ControlDeps);
  const reply = await check!.handle({ params: { name: 'example.test' }, query: new URLSearchParams(), body: undefined } as never) as { body: { type: string; status: string; found: string[] }[] };
  const mx = reply.body.find((r) => r.type === 'MX')!;
  assert.equal(mx.status, 'present');
  const spf = reply.body.find((r) => r.type === 'TXT' && r.found.some((x) => x.startsWith('v=spf1')))!;
  assert.equal(spf.status, 'wrong', 'another SPF policy is there');
  assert.ok(reply.body.some((r) => r.type === 'SRV' && r.status === 'missing'));
  // Over the socket: an unknown domain is refused before any lookup.
  await assert.rejects(f.client.dnsCheck('other.test'), (e: ControlError) => e.code === 'domain_unknown');
});
