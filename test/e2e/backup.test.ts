// Backups end to end, with the real restic and the real CLI: a data directory made by `mailroom
// init`, mail delivered over SMTP to the running daemon and rearranged over IMAP (flags, a
// folder, a move, an expunge), then `mailroom backup create` while serve runs (and while mail
// keeps arriving), `backup list`, `backup restore --target` into a fresh directory compared
// message by message (folder, UIDVALIDITY, UID, flags, raw bytes) with the original, the
// repository searched for plaintext, a wrong password, and `backup restore --mailbox`.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import { MailroomInstance, MAILROOM_BIN, TEST_PASSWORD, buildMessage, rawDeliver, run, uniqueToken } from './harness.js';
import { silentLogger } from '../../core/log.js';
import { DATABASE_FILE, openDatabase } from '../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../mail/store/sqlite/directory.js';
import { SqliteMailStore } from '../../mail/store/sqlite/mail-store.js';
import { FsBlobStore } from '../../mail/store/fs/blob-store.js';

const ALICE = 'alice@e2e.test';
const BOB = 'bob@e2e.test';
const REPO_PASSWORD = 'correct horse battery staple 7';
const TOKEN = uniqueToken('plaintextmarker');

interface MessageRecord { user: string; folder: string; uidvalidity: number; uid: number; flags: string; internalDate: number; sha256: string; size: number }

/** Every message of every user of a data directory, read through the store itself. */
async function dumpStore(dataDir: string): Promise<MessageRecord[]> {
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  const blobs = await FsBlobStore.open({ dataDir, logger: silentLogger });
  const store = new SqliteMailStore({ db, blobs, logger: silentLogger });
  try {
    const directory = new SqliteDirectory({ db, mailStore: store, logger: silentLogger });
    const out: MessageRecord[] = [];
    for (const user of await directory.listUsers()) {
      for (const folder of await store.listFolders(user.id)) {
        const uids = (await store.listMessageRefs(user.id, folder.name)).map((r) => r.uid);
        for (const m of await store.getMessages(user.id, folder.name, uids)) {
          const hash = createHash('sha256');
          for await (const chunk of store.openMessage(m.blobId)) hash.update(chunk as Buffer);
          out.push({ user: user.address, folder: folder.name, uidvalidity: folder.uidValidity, uid: m.uid, flags: [...m.flags].sort().join(' '), internalDate: m.internalDate.getTime(), sha256: hash.digest('hex'), size: m.size });
        }
      }
    }
    return out.sort((a, b) => `${a.user}/${a.folder}/${String(a.uid).padStart(8, '0')}`.localeCompare(`${b.user}/${b.folder}/${String(b.uid).padStart(8, '0')}`));
  } finally {
    await store.close();
    db.close();
  }
}

function imap(inst: MailroomInstance, user: string): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1', port: inst.imapsPort, secure: true, auth: { user, pass: TEST_PASSWORD },
    tls: { rejectUnauthorized: false }, logger: false, connectionTimeout: 20_000, greetingTimeout: 20_000,
  } as ConstructorParameters<typeof ImapFlow>[0]);
}

async function deliver(inst: MailroomInstance, to: string, subject: string, body: string): Promise<void> {
  const message = buildMessage({ from: 'sender@remote.test', to, subject, body });
  const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [to], message, timeoutMs: 30_000 });
  assert.ok(r.ok, `delivery to ${to}: ${JSON.stringify(r.final ?? r.rcpts)}`);
}

/** `mailroom backup ...` with the repository password on stdin. */
function backupCli(dataDir: string, args: string[], password = REPO_PASSWORD) {
  return run(process.execPath, [MAILROOM_BIN, '--data', dataDir, 'backup', ...args, '--password-stdin'], { input: password + '\n', timeoutMs: 180_000 });
}

/** Files under dir whose bytes contain needle. */
function filesContaining(dir: string, needle: Buffer): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const info = statSync(p);
      if (info.isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

let inst: MailroomInstance;
let work: string;
let repo: string;

before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'mailroom-backup-e2e-'));
  repo = path.join(work, 'repo');
  inst = await MailroomInstance.start({ imap: true, users: [ALICE, BOB], startTimeoutMs: 30_000 });
  for (let i = 0; i < 6; i++) await deliver(inst, ALICE, `alice ${i} ${TOKEN}`, `Body ${i} of alice, ${TOKEN}.\r\n`);
  for (let i = 0; i < 3; i++) await deliver(inst, BOB, `bob ${i}`, `Body ${i} of bob, ${TOKEN}.\r\n`);
  // Rearrange alice's mailbox over IMAP, so flags, a second folder and UID gaps are all in play.
  const c = imap(inst, ALICE);
  await c.connect();
  try {
    await c.mailboxCreate('Projects');
    const lock = await c.getMailboxLock('INBOX');
    try {
      await c.messageFlagsAdd('1:2', ['\\Seen'], { uid: true });
      await c.messageFlagsAdd('3', ['\\Flagged', '$Important'], { uid: true });
      await c.messageMove('4', 'Projects', { uid: true });
      await c.messageFlagsAdd('5', ['\\Deleted'], { uid: true });
      await c.messageDelete('5', { uid: true });
    } finally {
      lock.release();
    }
  } finally {
    await c.logout().catch(() => undefined);
  }
});

after(async () => {
  await inst?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

let before_: MessageRecord[];
let snapshotId: string;

test('backup create runs beside the daemon, mail still arriving, and initialises a new repository', async () => {
  before_ = await dumpStore(inst.dataDir);
  assert.ok(before_.some((m) => m.folder === 'Projects') && before_.some((m) => m.flags.includes('$Important')), JSON.stringify(before_));
  // Deliveries in parallel with the backup: the snapshot must still be one consistent moment.
  let stop = false;
  const arriving = (async () => { let n = 0; while (!stop && n < 20) await deliver(inst, BOB, `during ${n++}`, 'concurrent\r\n'); })();
  const res = await backupCli(inst.dataDir, ['create', '--repo', repo, '--json']);
  stop = true;
  await arriving;
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout.toString('utf8')) as { snapshotId: string; initialised: boolean; manifest: { messageFiles: number; missingFiles: string[] } };
  assert.equal(out.initialised, true);
  assert.match(out.snapshotId, /^[0-9a-f]{8}$/);
  assert.deepEqual(out.manifest.missingFiles, []);
  assert.ok(out.manifest.messageFiles >= 8);
  snapshotId = out.snapshotId;
  assert.ok(inst.alive, 'the daemon kept running');
  // The stage is gone afterwards: no plaintext copy is left behind.
  assert.deepEqual(readdirSync(path.join(inst.dataDir, 'tmp')).filter((n) => n.startsWith('backup')), []);
});

test('backup list shows the snapshot', async () => {
  const res = await backupCli(inst.dataDir, ['list', '--repo', repo, '--json']);
  assert.equal(res.code, 0, res.stderr);
  const list = JSON.parse(res.stdout.toString('utf8')) as { id: string; shortId: string; hostname: string; tags: string[] }[];
  assert.equal(list.length, 1);
  assert.equal(list[0]!.shortId, snapshotId);
  assert.equal(list[0]!.hostname, 'mx.e2e.test');
});

test('restore --target makes a fresh data directory holding every message exactly as it was', async () => {
  const target = path.join(work, 'restored');
  const res = await backupCli(path.join(work, 'nowhere'), ['restore', '--repo', repo, '--snapshot', snapshotId, '--target', target]);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(statSync(target).mode & 0o777, 0o750);
  assert.equal(statSync(path.join(target, 'secrets', 'secret.key')).mode & 0o777, 0o600);
  assert.deepEqual(readFileSync(path.join(target, 'secrets', 'secret.key')), readFileSync(path.join(inst.dataDir, 'secrets', 'secret.key')));
  assert.deepEqual(readFileSync(path.join(target, 'config.json')), readFileSync(path.join(inst.dataDir, 'config.json')));
  const restored = await dumpStore(target);
  const after_ = await dumpStore(inst.dataDir);
  // Everything before the backup is there, identical; anything more arrived during it.
  const key = (m: MessageRecord) => JSON.stringify(m);
  const restoredKeys = new Set(restored.map(key));
  for (const m of before_) assert.ok(restoredKeys.has(key(m)), `missing or changed after restore: ${key(m)}`);
  const afterKeys = new Set(after_.map(key));
  for (const m of restored) assert.ok(afterKeys.has(key(m)), `restored message that never existed: ${key(m)}`);
  // The real CLI reads the restored directory.
  const ls = await run(process.execPath, [MAILROOM_BIN, '--data', target, 'mail', 'ls', ALICE, '--folder', 'Projects', '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal((JSON.parse(ls.stdout.toString('utf8')) as unknown[]).length, 1);
});

test('restore refuses a target that is not empty, and changes nothing there', async () => {
  const target = path.join(work, 'occupied');
  mkdirSync(target);
  writeFileSync(path.join(target, 'keep.txt'), 'mine');
  const res = await backupCli(work, ['restore', '--repo', repo, '--target', target]);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /not empty/);
  assert.deepEqual(readdirSync(target), ['keep.txt']);
  assert.deepEqual(readdirSync(work).filter((n) => n.includes('restoring')), []);
});

test('the repository holds no plaintext: no message text, no password hash', async () => {
  const db = new Database(path.join(inst.dataDir, DATABASE_FILE), { readonly: true });
  const hash = (db.prepare('SELECT password_hash FROM users WHERE address = ?').get(ALICE) as { password_hash: string }).password_hash;
  db.close();
  assert.ok(hash.length > 20);
  assert.deepEqual(filesContaining(repo, Buffer.from(TOKEN)), []);
  assert.deepEqual(filesContaining(repo, Buffer.from(hash)), []);
  assert.deepEqual(filesContaining(repo, Buffer.from('BEGIN PRIVATE KEY')), []);
  // The same search finds the token in the data directory: the search itself works.
  assert.ok(filesContaining(path.join(inst.dataDir, 'blobs'), Buffer.from(TOKEN)).length > 0);
});

test('a wrong password is one clear line and a non-zero exit', async () => {
  for (const args of [['list', '--repo', repo], ['create', '--repo', repo], ['restore', '--repo', repo, '--target', path.join(work, 'never')]]) {
    const res = await backupCli(inst.dataDir, args, 'not the password');
    assert.equal(res.code, 1, `${args[0]}: ${res.stderr}`);
    assert.equal(res.stderr, 'mailroom: wrong password for the backup repository\n');
  }
  assert.throws(() => statSync(path.join(work, 'never')));
});

test('restore --mailbox brings one user\'s messages back under Restored/DATE, flags and bytes intact', async () => {
  const res = await backupCli(inst.dataDir, ['restore', '--repo', repo, '--snapshot', 'latest', '--mailbox', ALICE]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout.toString('utf8'), /restored 5 message\(s\) in \d+ folder\(s\) of alice@e2e\.test into "Restored\/\d{4}-\d{2}-\d{2}"/);
  const now = await dumpStore(inst.dataDir);
  const original = before_.filter((m) => m.user === ALICE);
  const restored = now.filter((m) => m.user === ALICE && m.folder.startsWith('Restored/'));
  assert.equal(restored.length, original.length);
  for (const m of original) {
    const copy = restored.find((r) => r.folder.endsWith(`/${m.folder}`) && r.sha256 === m.sha256);
    assert.ok(copy, `no restored copy of ${m.folder} UID ${m.uid}`);
    assert.equal(copy.flags, m.flags);
    assert.equal(copy.internalDate, m.internalDate);
  }
  // The live mailbox itself was not touched, and bob's neither.
  for (const m of original) assert.ok(now.some((n) => JSON.stringify(n) === JSON.stringify(m)));
  assert.equal(now.filter((m) => m.user === BOB && m.folder.startsWith('Restored/')).length, 0);
  // An unknown user: one line, exit 1.
  const bad = await backupCli(inst.dataDir, ['restore', '--repo', repo, '--mailbox', 'nobody@e2e.test']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^mailroom: no user nobody@e2e\.test/);
});
