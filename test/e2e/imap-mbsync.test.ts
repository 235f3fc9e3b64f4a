// IMAP end to end with mbsync (isync 1.4): a Maildir on disk kept in sync with the server in both
// directions over implicit TLS (Patterns *, Create Both, Expunge Both). First the initial pull of
// every folder, then local changes pushed (a new message file, a flag changed by renaming the
// file, a deleted file, a new folder), then server-side changes pulled (a delivery, a move).
// The state of both sides is asserted after each run.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { MailroomInstance, REPO_ROOT, TEST_PASSWORD, buildMessage, rawDeliver, run, uniqueToken, withTimeout } from './harness.js';

const ALICE = 'alice@e2e.test';
const TEMPLATE = path.join(REPO_ROOT, 'test', 'e2e', 'imap', 'mbsyncrc.template');

function has(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

interface LocalMessage { file: string; folder: string; flags: string; text: string }

/** Every message file of every Maildir folder under root (INBOX, Sent, Archive, ...). */
function localMessages(root: string): LocalMessage[] {
  const out: LocalMessage[] = [];
  for (const folder of readdirSync(root)) {
    for (const sub of ['cur', 'new']) {
      const dir = path.join(root, folder, sub);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const i = name.indexOf(':2,');
        out.push({ file: path.join(dir, name), folder, flags: i >= 0 ? name.slice(i + 3) : '', text: readFileSync(path.join(dir, name), 'latin1') });
      }
    }
  }
  return out;
}

const lf = (s: string) => s.replace(/\r\n/g, '\n');
/** mbsync adds an X-TUID header to the messages it propagates (its way of finding them again). */
const withoutTuid = (s: string) => s.replace(/^X-TUID: .*\n/m, '');

describe('IMAP with mbsync', { skip: has('mbsync') ? false : 'mbsync (isync) is not installed' }, () => {
  let inst: MailroomInstance;
  let work: string;
  let maildir: string;
  let rc: string;
  let flow: ImapFlow;
  const token = uniqueToken('sync');

  const mbsync = async (): Promise<string> => {
    const res = await run('mbsync', ['-c', rc, '-a'], { timeoutMs: 120_000, cwd: work, env: { ...process.env, HOME: work } });
    const text = `${res.stdout.toString('utf8')}${res.stderr}`;
    assert.equal(res.code, 0, `mbsync exited ${res.code}: ${text}\n${inst.tail()}`);
    return text;
  };
  const deliver = async (subject: string, body: string): Promise<string> => {
    const message = buildMessage({ from: 'sender@remote.test', to: ALICE, subject, body });
    const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message });
    assert.ok(r.ok, `delivery: ${JSON.stringify(r.final)}`);
    return message;
  };
  /** Server flags of the message with this subject token in the folder, via IMAP. */
  const serverFlags = async (folder: string, subjectToken: string): Promise<string[] | null> => {
    const lock = await flow.getMailboxLock(folder);
    try {
      const uids = await flow.search({ subject: subjectToken }, { uid: true });
      if (!uids || uids.length === 0) return null;
      const m = await flow.fetchOne(String(uids[0]), { flags: true }, { uid: true });
      return m ? [...(m.flags ?? [])].sort() : null;
    } finally {
      lock.release();
    }
  };

  before(async () => {
    inst = await MailroomInstance.start({ users: [ALICE], imap: true });
    work = path.join(inst.root, 'mbsync');
    maildir = path.join(work, 'Maildir');
    mkdirSync(maildir, { recursive: true });
    rc = path.join(work, 'mbsyncrc');
    // localhost, not 127.0.0.1: mbsync checks the certificate's DNS names, not its IP addresses.
    const fill: Record<string, string> = { HOST: 'localhost', PORT: String(inst.imapsPort), USER: ALICE, PASS: TEST_PASSWORD, CERT: inst.certFile, MAILDIR: maildir };
    writeFileSync(rc, readFileSync(TEMPLATE, 'utf8').replace(/@([A-Z]+)@/g, (_, k: string) => fill[k] ?? `@${k}@`));
    flow = new ImapFlow({ host: '127.0.0.1', port: inst.imapsPort, secure: true, auth: { user: ALICE, pass: TEST_PASSWORD }, tls: { rejectUnauthorized: false }, logger: false } as ConstructorParameters<typeof ImapFlow>[0]);
    flow.on('error', () => { /* surfaced by the failing call */ });
    await withTimeout(flow.connect(), 20_000, 'imapflow connect');
  });
  after(async () => {
    await flow?.logout().catch(() => flow.close());
    await inst?.cleanup();
  });

  it('pulls every folder on the first run', async () => {
    await deliver(`${token} one`, 'First message, for the INBOX.\r\n');
    await deliver(`${token} two`, 'Second message, to be deleted locally.\r\n');
    await deliver(`${token} three`, 'Third message, to be flagged locally.\r\n');
    const archived = buildMessage({ from: ALICE, to: 'bob@remote.test', subject: `${token} archived`, body: 'Kept in Archive.\r\n' });
    await flow.append('Archive', archived, ['\\Seen']);

    await mbsync();
    for (const f of ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']) assert.ok(existsSync(path.join(maildir, f, 'cur')), `local folder ${f} created`);
    const local = localMessages(maildir).filter((m) => m.text.includes(token));
    assert.deepEqual(local.filter((m) => m.folder === 'INBOX').map((m) => /Subject: (.*)/.exec(m.text)![1]).sort(), [`${token} one`, `${token} three`, `${token} two`]);
    // Byte for byte what the server holds (Maildir files have LF line ends).
    for (const s of await inst.findBySubject(ALICE, token)) {
      const raw = (await inst.mailCat(ALICE, s.uid)).toString('latin1');
      const mine = local.find((m) => m.folder === 'INBOX' && m.text.includes(`Subject: ${s.subject}\n`) || m.text.includes(`Subject: ${s.subject}\r\n`));
      assert.equal(withoutTuid(lf(mine?.text ?? '(missing)')), lf(raw), `local copy of "${s.subject}" equals the server's`);
    }
    const arch = local.filter((m) => m.folder === 'Archive');
    assert.equal(arch.length, 1);
    assert.equal(withoutTuid(lf(arch[0]!.text)), lf(archived));
    assert.match(arch[0]!.flags, /S/, 'the \\Seen flag came down as S');
  });

  it('pushes local changes: a new message, a flag set by renaming, a deleted file, a new folder', async () => {
    const local = localMessages(maildir).filter((m) => m.text.includes(token));
    const two = local.find((m) => m.text.includes(`Subject: ${token} two`))!;
    const three = local.find((m) => m.text.includes(`Subject: ${token} three`))!;
    rmSync(two.file);
    // Maildir flags are the letters after ":2,", in ASCII order: F = \Flagged, S = \Seen.
    const base = three.file.includes(':2,') ? three.file.slice(0, three.file.indexOf(':2,')) : three.file;
    renameSync(three.file, `${base}:2,${[...new Set((three.flags + 'FS').split(''))].sort().join('')}`.replace(`${path.sep}new${path.sep}`, `${path.sep}cur${path.sep}`));
    const newOne = buildMessage({ from: ALICE, to: 'carol@remote.test', subject: `${token} written locally`, body: 'Composed offline, filed in Archive.\r\n' }).replace(/\r\n/g, '\n');
    writeFileSync(path.join(maildir, 'Archive', 'new', `${Date.now()}.${process.pid}_1.e2e`), newOne);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, 'Projects', sub), { recursive: true });
    const project = buildMessage({ from: ALICE, to: 'dave@remote.test', subject: `${token} project`, body: 'In a folder made on the client.\r\n' }).replace(/\r\n/g, '\n');
    writeFileSync(path.join(maildir, 'Projects', 'cur', `${Date.now()}.${process.pid}_2.e2e:2,S`), project);

    await mbsync();
    const inbox = await inst.findBySubject(ALICE, token);
    assert.deepEqual(inbox.map((m) => m.subject).sort(), [`${token} one`, `${token} three`], 'the locally deleted message is expunged on the server');
    assert.deepEqual(await serverFlags('INBOX', `${token} three`), ['\\Flagged', '\\Seen'], 'the renamed file\'s flags reached the server');
    const archive = await inst.findBySubject(ALICE, token, 'Archive');
    assert.deepEqual(archive.map((m) => m.subject).sort(), [`${token} archived`, `${token} written locally`]);
    const uploaded = archive.find((m) => m.subject === `${token} written locally`)!;
    assert.ok(lf((await inst.mailCat(ALICE, uploaded.uid, 'Archive')).toString('latin1')).endsWith(newOne.slice(newOne.indexOf('\n\n'))), 'the uploaded body is intact');
    const folders = (await flow.list()).map((f) => f.path);
    assert.ok(folders.includes('Projects'), `the new local folder was created on the server: ${folders.join(', ')}`);
    assert.equal((await inst.findBySubject(ALICE, token, 'Projects')).length, 1);
    assert.deepEqual(await serverFlags('Projects', `${token} project`), ['\\Seen']);
  });

  it('pulls server-side changes: a new delivery and a move between folders', async () => {
    await deliver(`${token} four`, 'Arrived after the first sync.\r\n');
    const lock = await flow.getMailboxLock('INBOX');
    try {
      const [uid] = (await flow.search({ subject: `${token} one` }, { uid: true })) as number[];
      assert.ok(uid);
      assert.ok(await flow.messageMove(String(uid), 'Archive', { uid: true }));
    } finally {
      lock.release();
    }

    await mbsync();
    const local = localMessages(maildir).filter((m) => m.text.includes(token));
    const subjects = (folder: string) => local.filter((m) => m.folder === folder).map((m) => /Subject: (.*)/.exec(m.text)![1]).sort();
    assert.deepEqual(subjects('INBOX'), [`${token} four`, `${token} three`]);
    assert.deepEqual(subjects('Archive'), [`${token} archived`, `${token} one`, `${token} written locally`]);
    assert.deepEqual(subjects('Projects'), [`${token} project`]);
    assert.match(local.find((m) => m.text.includes(`Subject: ${token} three`))!.flags, /F/, 'the local flag survived');

    // A second run with nothing new changes nothing on either side.
    await mbsync();
    assert.equal(localMessages(maildir).filter((m) => m.text.includes(token)).length, local.length);
    assert.equal((await inst.findBySubject(ALICE, token)).length + (await inst.findBySubject(ALICE, token, 'Archive')).length, 5);
  });
});
