// POP3 end to end: `mailroom serve` receives mail over SMTP and serves it over POP3 (STLS on the
// plain port, implicit TLS on the other) to real clients: Python's poplib and fetchmail.
// Needs mail/main.ts to start the POP3 service (startPop3Service) for listen.pop3/pop3s.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MailroomInstance, REPO_ROOT, TEST_PASSWORD, buildMessage, getFreePort, rawDeliver, run, uniqueToken } from './harness.js';

const ALICE = 'alice@e2e.test';
const CLIENT = path.join(REPO_ROOT, 'test', 'e2e', 'pop3', 'poplib-client.py');

function has(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('POP3 with real clients', () => {
  let inst: MailroomInstance;
  let pop3Port = 0;
  let pop3sPort = 0;
  const token = uniqueToken('pop');

  const poplib = async (action: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const res = await run('python3', [CLIENT, JSON.stringify({ action, host: '127.0.0.1', port: pop3Port, sslPort: pop3sPort, user: ALICE, password: TEST_PASSWORD, ...extra })], { timeoutMs: 60_000 });
    assert.equal(res.code, 0, `poplib ${action} failed: ${res.stderr}\n${inst.tail()}`);
    return JSON.parse(res.stdout.toString('utf8')) as Record<string, unknown>;
  };
  const inbox = async () => (await inst.mailLs(ALICE)).filter((m) => (m.subject ?? '').includes(token));

  before(async () => {
    pop3Port = await getFreePort();
    pop3sPort = await getFreePort();
    inst = await MailroomInstance.start({
      users: [ALICE],
      editConfig: (cfg) => { (cfg.listen as Record<string, unknown>).pop3 = `127.0.0.1:${pop3Port}`; (cfg.listen as Record<string, unknown>).pop3s = `127.0.0.1:${pop3sPort}`; },
    });
    const bodies = [
      'Plain first message.\r\n',
      // Lines that need dot-stuffing, one of them a lone dot.
      '.starts with a dot\r\n.\r\n..two dots\r\nend\r\n',
      // Big enough to cross many socket writes.
      Array.from({ length: 4000 }, (_, i) => `${i % 50 === 0 ? '.' : ''}line ${i} ${'x'.repeat(40)}`).join('\r\n') + '\r\n',
    ];
    for (const [i, body] of bodies.entries()) {
      const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message: buildMessage({ from: 'sender@remote.test', to: ALICE, subject: `${token} #${i + 1}`, body }) });
      assert.ok(r.ok, `delivery ${i + 1}: ${JSON.stringify(r.final)}`);
    }
  });
  after(async () => { await inst?.cleanup(); });

  it('refuses USER before STLS with [SYS/PERM] and does not offer USER in the clear', async () => {
    const out = await poplib('plain-refused');
    assert.match(String(out.user), /^-ERR \[SYS\/PERM\] /);
    assert.ok((out.capa_before as string[]).includes('STLS'));
    assert.ok(!(out.capa_before as string[]).includes('USER'));
  });

  it('poplib over STLS: LIST/UIDL/TOP/RETR byte-exact against the stored messages', async () => {
    const out = await poplib('fetch-all');
    assert.match(String(out.stls), /^\+OK/);
    assert.ok((out.capa_after as string[]).includes('USER') && (out.capa_after as string[]).includes('SASL'));
    const stored = (await inst.mailLs(ALICE)).sort((a, b) => a.uid - b.uid);
    assert.equal((out.stat as number[])[0], stored.length);
    assert.deepEqual(out.list, stored.map((m, i) => `${i + 1} ${m.size}`));
    assert.equal(new Set(out.uidl as string[]).size, stored.length);
    const messages = out.messages as { retr: string; octets: number; top: string }[];
    for (const [i, m] of stored.entries()) {
      const raw = (await inst.mailCat(ALICE, m.uid)).toString('latin1');
      assert.equal(messages[i]!.retr, raw, `RETR ${i + 1} is the stored message byte for byte`);
      assert.equal(Buffer.byteLength(raw, 'latin1'), m.size, 'LIST size is the octet count');
      const split = raw.indexOf('\r\n\r\n') + 4;
      const firstLine = raw.slice(split, raw.indexOf('\r\n', split) + 2);
      assert.equal(messages[i]!.top, raw.slice(0, split) + firstLine, `TOP ${i + 1} 1`);
    }
    assert.match(String(out.quit), /^\+OK/);
    assert.equal((await inbox()).length, 3, 'nothing deleted without DELE');
  });

  it('DELE without QUIT (dropped connection) deletes nothing', async () => {
    const out = await poplib('dele-then-drop', { msgs: [1, 2] });
    assert.deepEqual((out.dele as string[]).map((d) => d.startsWith('+OK')), [true, true]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await inbox()).length, 3);
  });

  it('a second concurrent session on the mailbox gets -ERR [IN-USE]', async () => {
    const out = await poplib('in-use');
    assert.match(String(out.first), /^\+OK/);
    assert.match(String(out.second), /^-ERR \[IN-USE\] /);
    assert.match(String(out.first_quit), /^\+OK/);
  });

  it('a wrong password is answered -ERR [AUTH] after a delay', async () => {
    const out = await poplib('wrong-password');
    assert.match(String(out.pass), /^-ERR \[AUTH\] /);
    assert.ok((out.ms as number) >= 500, `answered after ${String(out.ms)} ms`);
    const lines = inst.jsonLogs().filter((l) => l.msg === 'pop3 login failed');
    assert.ok(lines.length >= 1 && lines.every((l) => typeof l.cid === 'string' && l.outcome === 'auth-failed'), inst.tail());
  });

  it('DELE then QUIT removes the message from INBOX (what IMAP and `mail ls` see)', async () => {
    const before = await inbox();
    const out = await poplib('dele-quit', { msgs: [1] });
    assert.match(String(out.quit), /^\+OK/);
    const afterDele = await inbox();
    assert.equal(afterDele.length, before.length - 1);
    assert.ok(!afterDele.some((m) => m.subject === `${token} #1`));
  });

  it('fetchmail retrieves and deletes the rest (implicit TLS and STLS)', { skip: has('fetchmail') ? false : 'fetchmail not installed' }, async () => {
    const home = path.join(inst.root, 'fetchmail-home');
    execFileSync('mkdir', ['-p', home]);
    const mbox = path.join(home, 'mbox');
    const rc = path.join(home, 'fetchmailrc');
    const poll = (port: number, tlsMode: string) => `poll 127.0.0.1 with proto POP3 port ${port} timeout 20\n  user "${ALICE}" there with password "${TEST_PASSWORD}" is "e2e" here\n  ${tlsMode} no sslcertck nokeep fetchall\n  mda "/bin/sh -c 'cat >> ${mbox}'"\n`;
    // Deliver one more so that both runs have something to fetch.
    const extra = buildMessage({ from: 'sender@remote.test', to: ALICE, subject: `${token} #4`, body: '.dot line for fetchmail\r\n' });
    assert.ok((await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message: extra })).ok);

    writeFileSync(rc, poll(pop3sPort, 'ssl'));
    chmodSync(rc, 0o600);
    const env = { ...process.env, HOME: home, FETCHMAILHOME: home };
    const r1 = await run('fetchmail', ['-f', rc, '--nodetach', '-v', '--idfile', path.join(home, 'ids')], { env, timeoutMs: 60_000 });
    assert.ok(r1.code === 0, `fetchmail (ssl) exited ${r1.code}: ${r1.stderr}\n${r1.stdout.toString()}\n${inst.tail()}`);
    assert.equal((await inbox()).length, 0, 'fetchmail deleted what it fetched');
    const fetched = readFileSync(mbox, 'latin1');
    for (const n of [2, 3, 4]) assert.ok(fetched.includes(`Subject: ${token} #${n}`), `message #${n} fetched`);
    assert.ok(fetched.includes('\n.dot line for fetchmail'), 'dot-stuffing undone by fetchmail');

    const again = buildMessage({ from: 'sender@remote.test', to: ALICE, subject: `${token} #5`, body: 'over STLS\r\n' });
    assert.ok((await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message: again })).ok);
    writeFileSync(rc, poll(pop3Port, "sslproto 'tls1.2+'"));
    const r2 = await run('fetchmail', ['-f', rc, '--nodetach', '-v', '--idfile', path.join(home, 'ids')], { env, timeoutMs: 60_000 });
    assert.ok(r2.code === 0, `fetchmail (stls) exited ${r2.code}: ${r2.stderr}\n${r2.stdout.toString()}`);
    assert.match(r2.stderr + r2.stdout.toString(), /POP3> STLS/, 'fetchmail used STLS');
    assert.ok(readFileSync(mbox, 'latin1').includes(`Subject: ${token} #5`));
    assert.equal((await inbox()).length, 0);
    assert.ok(existsSync(mbox));
  });
});
