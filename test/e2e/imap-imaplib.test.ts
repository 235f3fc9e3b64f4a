// IMAP end to end with Python's imaplib as the client: `mailroom serve` receives mail over SMTP
// and serves it over IMAP (STARTTLS on the plain port, implicit TLS on the other, the
// self-signed certificate of `mailroom init`). One scripted session walks LIST, SELECT, FETCH,
// STORE, SEARCH, COPY, MOVE, EXPUNGE and APPEND; IDLE must hear a delivery within a second.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MailroomInstance, REPO_ROOT, TEST_PASSWORD, buildMessage, rawDeliver, run, uniqueToken, withTimeout } from './harness.js';

const ALICE = 'alice@e2e.test';
const CLIENT = path.join(REPO_ROOT, 'test', 'e2e', 'imap', 'imaplib-client.py');

type Out = Record<string, unknown> & { errors: Record<string, string> };
interface Reply { typ: string; data: unknown }

describe('IMAP with Python imaplib', () => {
  let inst: MailroomInstance;
  const token = uniqueToken('imaplib');
  const bodyWord = uniqueToken('word');
  const sent = buildMessage({
    from: 'sender@remote.test', to: ALICE, subject: `${token} first`,
    body: `Xin chào, this is the ${bodyWord} message.\r\nCảm ơn!\r\n.a line starting with a dot\r\n`,
  });

  const imaplib = async (action: string, extra: Record<string, unknown> = {}): Promise<Out> => {
    const res = await run('python3', [CLIENT, JSON.stringify({ action, host: '127.0.0.1', port: inst.imapPort, sslPort: inst.imapsPort, user: ALICE, password: TEST_PASSWORD, ...extra })], { timeoutMs: 60_000 });
    assert.equal(res.code, 0, `imaplib ${action} failed: ${res.stderr}\n${inst.tail()}`);
    return JSON.parse(res.stdout.toString('utf8')) as Out;
  };

  before(async () => {
    inst = await MailroomInstance.start({ users: [ALICE], imap: true });
    const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message: sent });
    assert.ok(r.ok, `delivery: ${JSON.stringify(r.final)}`);
  });
  after(async () => { await inst?.cleanup(); });

  it('refuses LOGIN on the plain port before STARTTLS and advertises LOGINDISABLED', async () => {
    const out = await imaplib('plain-login-refused');
    assert.ok((out.caps as string[]).includes('STARTTLS'), `capabilities: ${JSON.stringify(out.caps)}`);
    assert.ok((out.caps as string[]).includes('LOGINDISABLED'), `capabilities: ${JSON.stringify(out.caps)}`);
    const login = out.login as { typ?: string; error?: string };
    assert.ok(login.error || login.typ !== 'OK', `LOGIN without TLS must fail: ${JSON.stringify(login)}`);
  });

  it('logs in on the implicit-TLS port and lists the standard folders with special-use', async () => {
    const out = await imaplib('ssl-login');
    assert.equal((out.login as Reply).typ, 'OK');
    const list = (out.list as Reply).data as string[];
    for (const name of ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']) {
      assert.ok(list.some((l) => new RegExp(`"?${name}"?$`).test(l)), `LIST has ${name}: ${JSON.stringify(list)}`);
    }
    assert.ok(list.some((l) => /\\Sent\b/.test(l) && /Sent"?$/.test(l)), `Sent carries \\Sent: ${JSON.stringify(list)}`);
    assert.ok(list.some((l) => /\\Trash\b/.test(l) && /Trash"?$/.test(l)), `Trash carries \\Trash: ${JSON.stringify(list)}`);
  });

  it('STARTTLS session: SELECT, FETCH BODY[] as stored, STORE, SEARCH, COPY, MOVE, EXPUNGE, APPEND', async () => {
    const appendToken = uniqueToken('append');
    const appended = buildMessage({ from: ALICE, to: 'bob@remote.test', subject: `${appendToken} draft`, body: 'A draft, saved by the client.\r\n' });
    const out = await imaplib('session', { token, bodyWord, appendToken, appendMessage: Buffer.from(appended).toString('base64') });
    assert.deepEqual(out.errors, {}, `steps that raised: ${JSON.stringify(out.errors)}\n${inst.tail()}`);
    assert.ok((out.caps_before_tls as string[]).includes('STARTTLS'));
    assert.equal((out.login as Reply).typ, 'OK');
    assert.equal((out.select as Reply).typ, 'OK');

    const stored = (await inst.findBySubject(ALICE, token)).sort((a, b) => a.uid - b.uid);
    assert.equal(stored.length, 0, 'moved out of INBOX by the end of the session');
    const searched = out.search as number[];
    assert.equal(searched.length, 1, `SEARCH SUBJECT found ${JSON.stringify(searched)}`);

    // FETCH BODY[]: byte for byte what the store holds, which is what was sent plus trace headers.
    const fetched = Buffer.from((out.fetch as { body: string }).body, 'base64');
    const archived = await inst.findBySubject(ALICE, token, 'Archive');
    assert.equal(archived.length, 1, 'the COPY is in Archive');
    const raw = await inst.mailCat(ALICE, archived[0]!.uid, 'Archive');
    assert.equal(fetched.toString('latin1'), raw.toString('latin1'), 'BODY[] is the stored message');
    assert.ok(fetched.toString('utf8').endsWith(sent.slice(sent.indexOf('\r\n\r\n') + 4)), 'the body is what was sent');
    assert.match(((out.fetch as { data: string[] }).data).join(' '), /RFC822\.SIZE \d+/);

    assert.equal((out.store as Reply).typ, 'OK');
    const flags = JSON.stringify((out.flags_after_store as Reply).data);
    assert.match(flags, /\\\\Flagged/);
    assert.match(flags, /\$Label1/);
    assert.ok((out.search_flagged as number[]).includes(searched[0]!), 'SEARCH FLAGGED finds it');
    assert.deepEqual(out.search_text, searched, 'SEARCH TEXT finds the body word');

    assert.equal((out.copy as Reply).typ, 'OK');
    assert.equal((out.move as Reply).typ, 'OK');
    assert.deepEqual(out.inbox_after_move, [], 'MOVE took it out of INBOX');
    assert.equal((out.trash_search as number[]).length, 1, 'MOVE put it in Trash');
    assert.equal((out.expunge as Reply).typ, 'OK');
    assert.deepEqual(out.trash_after_expunge, [], 'EXPUNGE removed it from Trash');
    assert.equal((await inst.findBySubject(ALICE, token, 'Trash')).length, 0);

    // The copy in Archive kept the flags and the bytes.
    assert.equal(Buffer.from((out.archive_fetch as { body: string }).body, 'base64').toString('latin1'), raw.toString('latin1'));
    assert.match(JSON.stringify((out.archive_fetch as { data: string[] }).data), /\\\\Flagged/);

    // APPEND: stored as given, with \Draft.
    assert.equal((out.append as Reply).typ, 'OK');
    assert.match(JSON.stringify((out.append as Reply).data), /APPENDUID/);
    const drafts = await inst.findBySubject(ALICE, appendToken, 'Drafts');
    assert.equal(drafts.length, 1);
    assert.equal((await inst.mailCat(ALICE, drafts[0]!.uid, 'Drafts')).toString('latin1'), appended);
    assert.equal(Buffer.from((out.drafts_fetch as { body: string }).body, 'base64').toString('latin1'), appended);
    assert.match(JSON.stringify((out.drafts_fetch as { data: string[] }).data), /\\\\Draft/);
    assert.match(String(out.logout), /BYE/);
  });

  it('IDLE hears a delivery within a second (raw IDLE over imaplib\'s TLS socket)', async () => {
    const idleToken = uniqueToken('idle');
    const child = spawn('python3', [CLIENT, JSON.stringify({ action: 'idle', host: '127.0.0.1', port: inst.imapPort, sslPort: inst.imapsPort, user: ALICE, password: TEST_PASSWORD, waitSeconds: 10 })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await withTimeout(new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); if (stdout.includes('READY\n')) resolve(); });
        child.on('exit', () => reject(new Error(`imaplib exited before idling: ${stderr}`)));
      }), 30_000, 'imaplib to enter IDLE');
      const t0 = Date.now();
      const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message: buildMessage({ from: 'sender@remote.test', to: ALICE, subject: `${idleToken} while idling`, body: 'Wake up.\r\n' }) });
      const acked = Date.now();
      assert.ok(r.ok);
      const code = await withTimeout(exited, 30_000, 'imaplib to finish');
      assert.equal(code, 0, `imaplib idle failed: ${stderr}`);
      const out = JSON.parse(stdout.slice(stdout.indexOf('READY\n') + 6)) as { continuation: string; heard: string[]; exists_at?: number; exists_before: number; done: string[] };
      assert.match(out.continuation, /^\+ /);
      assert.ok(out.exists_at, `no EXISTS while idling; heard ${JSON.stringify(out.heard)}`);
      assert.ok(out.heard.includes(`* ${out.exists_before + 1} EXISTS`), `heard ${JSON.stringify(out.heard)}`);
      const afterAck = out.exists_at! * 1000 - acked;
      assert.ok(afterAck < 1000, `EXISTS came ${afterAck.toFixed(0)} ms after the 250 (delivery started ${t0 - acked} ms before it)`);
      assert.match(out.done[out.done.length - 1]!, /^\S+ OK/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
