// The REST routes behind the panel's new pages, against the real agent and control server:
// disabling an account, the admin's mailbox view (audited, never marking a message \Seen,
// raw download), the DNS check route, the services page's probes; and first boot's files
// (a preseeded admin, the setup token from its file).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../../mail/auth/password-hash.js';
import type { AuditEntry, MailFolder, MailMessageSummary, MailMessageView, MailUser, ServicesReport } from '../../ui/shared/api-types.js';
import { FAST_HASH, PASSWORD, setupFirstAdmin, startAgentFixture } from './agent-fixture.js';

test('disable, mailbox view, DNS check and services through the admin API', { timeout: 120_000 }, async (t) => {
  const f = await startAgentFixture();
  t.after(() => f.cleanup());
  const api = f.client();
  await setupFirstAdmin(f, api);
  await f.directory.addDomain('panel.test');
  const user = await f.directory.addUser('dee@panel.test', PASSWORD);
  const tx = f.mailStore.beginDelivery();
  tx.addRecipient({ userId: user.id });
  await tx.writeBody((async function* () { yield Buffer.from('From: a@far.example\r\nSubject: hello\r\n\r\nbody text\r\n'); })());
  await tx.commit();

  // ---- disable / enable
  const off = await api.request('PUT', '/api/v1/users/dee@panel.test/disabled', { json: { disabled: true } });
  assert.equal(off.status, 200, off.text);
  assert.equal((off.json as MailUser).disabled, true);
  assert.equal(await f.directory.verifyPassword('dee@panel.test', PASSWORD), null);
  assert.equal(((await api.request('GET', '/api/v1/users')).json as MailUser[])[0]!.disabled, true);
  assert.equal((await api.request('PUT', '/api/v1/users/dee@panel.test/disabled', { json: { disabled: 'yes' } })).status, 400);
  assert.equal((await api.request('PUT', '/api/v1/users/nobody@panel.test/disabled', { json: { disabled: true } })).status, 404);
  assert.equal((await api.request('PUT', '/api/v1/users/dee@panel.test/disabled', { json: { disabled: false } })).status, 200);
  assert.ok(await f.directory.verifyPassword('dee@panel.test', PASSWORD));

  // ---- mailbox view
  const folders = (await api.request('GET', '/api/v1/users/dee@panel.test/folders')).json as MailFolder[];
  assert.equal(folders.find((x) => x.name === 'INBOX')!.unseen, 1);
  const list = (await api.request('GET', '/api/v1/users/dee@panel.test/messages?folder=INBOX')).json as MailMessageSummary[];
  assert.equal(list.length, 1);
  assert.equal(list[0]!.subject, 'hello');
  const view = await api.request('GET', `/api/v1/users/dee@panel.test/messages/${list[0]!.uid}`);
  assert.equal(view.status, 200, view.text);
  assert.equal((view.json as MailMessageView).text, 'body text\r\n');
  const raw = await api.request('GET', `/api/v1/users/dee@panel.test/messages/${list[0]!.uid}/raw?folder=INBOX`);
  assert.equal(raw.status, 200);
  assert.equal(raw.headers['content-type'], 'message/rfc822');
  assert.match(String(raw.headers['content-disposition']), /attachment; filename="message-1.eml"/);
  assert.equal(raw.text, 'From: a@far.example\r\nSubject: hello\r\n\r\nbody text\r\n');
  assert.deepEqual(((await api.request('GET', '/api/v1/users/dee@panel.test/messages')).json as MailMessageSummary[])[0]!.flags, [], 'still unseen');
  assert.equal((await api.request('GET', '/api/v1/users/dee@panel.test/messages/abc')).status, 400);
  const missing = await api.request('GET', '/api/v1/users/dee@panel.test/messages/99/raw');
  assert.equal(missing.status, 404);
  assert.equal((missing.json as { error: { code: string } }).error.code, 'unknown_message');
  assert.equal((await api.request('GET', '/api/v1/users/dee@panel.test/folders', { cookies: false })).status, 401);
  const audit = (await api.request('GET', '/api/v1/audit')).json as AuditEntry[] | { entries: AuditEntry[] };
  const entries = Array.isArray(audit) ? audit : audit.entries;
  assert.ok(entries.some((e) => e.action === 'mailbox.read' && e.target === 'dee@panel.test INBOX 1'), 'reading someone\'s mail is audited');
  assert.ok(entries.some((e) => e.action === 'mailbox.download'));
  assert.ok(entries.some((e) => e.action === 'user.disable' && e.target === 'dee@panel.test disabled'));

  // ---- DNS check (an unknown domain is refused before any lookup)
  const dns = await api.request('GET', '/api/v1/domains/other.test/dns/check');
  assert.equal(dns.status, 404);

  // ---- services: the agent itself, its HTTPS port listening with its certificate, a closed one
  const services = await api.request('GET', '/api/v1/services');
  assert.equal(services.status, 200, services.text);
  const report = services.json as ServicesReport;
  assert.deepEqual(report.services.find((s) => s.name === 'agent')?.state, 'up');
  assert.equal(report.services.find((s) => s.name === 'mail')?.state, 'up', 'the control socket answers');
  const admin = report.listeners.find((l) => l.name === 'admin')!;
  assert.equal(admin.state, 'listening');
  assert.ok(admin.certificateExpires && Date.parse(admin.certificateExpires) > Date.now());
  assert.equal(report.listeners.find((l) => l.name === 'smtp')!.state, 'disabled');
});

test('first boot: a preseeded admin logs in, and the setup token file is not used once an admin exists', { timeout: 120_000 }, async (t) => {
  const boot = path.join((await import('node:os')).tmpdir(), `mailroom-boot-${process.pid}-${Date.now()}`);
  mkdirSync(boot, { recursive: true });
  t.after(async () => (await import('node:fs')).rmSync(boot, { recursive: true, force: true }));
  writeFileSync(path.join(boot, 'setup-token'), 'AAAAA-BBBBB-CCCCC\n');
  writeFileSync(path.join(boot, 'preseed-admin.json'), JSON.stringify({ name: 'admin', passwordHash: await hashPassword(PASSWORD, FAST_HASH) }));
  const f = await startAgentFixture({ editConfig: (cfg) => { (cfg.agent as Record<string, unknown>).firstBootDir = boot; } });
  t.after(() => f.cleanup());
  assert.equal(f.agent.setupToken, null, 'an admin exists: no setup');
  assert.equal(existsSync(path.join(boot, 'preseed-admin.json')), false);
  assert.equal(existsSync(path.join(boot, 'setup-token')), false, 'the banner stops showing the token');
  const api = f.client();
  assert.equal((await api.login('admin')).status, 200);
});

test('first boot: the agent offers the token of the setup token file', { timeout: 120_000 }, async (t) => {
  const boot = path.join((await import('node:os')).tmpdir(), `mailroom-boot2-${process.pid}-${Date.now()}`);
  mkdirSync(boot, { recursive: true });
  t.after(async () => (await import('node:fs')).rmSync(boot, { recursive: true, force: true }));
  writeFileSync(path.join(boot, 'setup-token'), 'DDDDD-EEEEE-FFFFF\n');
  const f = await startAgentFixture({ editConfig: (cfg) => { (cfg.agent as Record<string, unknown>).firstBootDir = boot; } });
  t.after(() => f.cleanup());
  assert.equal(f.agent.setupToken, 'DDDDD-EEEEE-FFFFF');
  const res = await f.client().request('POST', '/api/v1/setup', { json: { token: 'DDDDD-EEEEE-FFFFF', username: 'root', password: PASSWORD } });
  assert.equal(res.status, 201, res.text);
  assert.equal(existsSync(path.join(boot, 'setup-token')), false);
});
