// The stage with a real SQLite database in WAL mode and real files: what is in it, what is not,
// and that a copy is taken while another connection writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { stageSnapshot, STAGE_DIR, LOCK_FILE, MANIFEST_FILE } from '../../../agent/backup/backup-staging.js';
import { BackupError } from '../../../agent/backup/backup-error.js';
import { backupSqliteDatabase, listNamedMessageFiles } from '../../../mail/store/sqlite/online-backup.js';

const ID1 = '2026112300' + 'A'.repeat(22);
const ID2 = '2026112301' + 'B'.repeat(22);
const QID = '2026112302' + 'C'.repeat(22);

function makeDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-stage-test-'));
  const db = new Database(path.join(dir, 'mailroom.db'));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE blobs (id INTEGER PRIMARY KEY, blob_id TEXT NOT NULL UNIQUE);
    CREATE TABLE queue_messages (id TEXT PRIMARY KEY);
    INSERT INTO blobs (blob_id) VALUES ('${ID1}'), ('${ID2}'), ('not-a-blob-id');
    INSERT INTO queue_messages (id) VALUES ('${QID}');`);
  db.close();
  for (const [root, id] of [['blobs', ID1], ['blobs', ID2], ['queue/blobs', QID]] as const) {
    const d = path.join(dir, root, id.slice(0, 8), id.slice(8, 10));
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, id), `body of ${id}`);
  }
  // A file written after the copy would be unnamed: this one is never named.
  writeFileSync(path.join(dir, 'blobs', '20261123', '00', '2026112300' + 'Z'.repeat(22)), 'orphan');
  writeFileSync(path.join(dir, 'config.json'), '{"hostname":"x.test"}');
  mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
  writeFileSync(path.join(dir, 'secrets', 'secret.key'), 'k', { mode: 0o600 });
  mkdirSync(path.join(dir, 'run'));
  writeFileSync(path.join(dir, 'run', 'control.pid'), '1');
  mkdirSync(path.join(dir, 'signing'));
  writeFileSync(path.join(dir, 'signing', 'partial'), 'x');
  return dir;
}

function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? listTree(p, `${prefix}${n}/`) : [`${prefix}${n}`];
  });
}

test('the stage holds the databases, the named bodies and the rest, and nothing transient', async () => {
  const dir = makeDataDir();
  try {
    const staged = await stageSnapshot({ dataDir: dir, hostname: 'x.test' });
    assert.equal(staged.dir, path.join(dir, STAGE_DIR));
    assert.equal(statSync(staged.dir).mode & 0o777, 0o700);
    assert.deepEqual(listTree(staged.dir), [
      `blobs/20261123/00/${ID1}`, `blobs/20261123/01/${ID2}`, 'config.json', MANIFEST_FILE, 'mailroom.db',
      `queue/blobs/20261123/02/${QID}`, 'secrets/secret.key',
    ]);
    assert.equal(statSync(path.join(staged.dir, 'secrets')).mode & 0o777, 0o700);
    assert.deepEqual({ ...staged.manifest, createdAt: '' }, { format: 1, createdAt: '', hostname: 'x.test', databases: ['mailroom.db'], messageFiles: 2, queueFiles: 1, missingFiles: [] });
    // A second backup of the same directory waits its turn.
    await assert.rejects(stageSnapshot({ dataDir: dir, hostname: 'x.test' }), (err: unknown) => err instanceof BackupError && err.code === 'backup_running');
    await staged.dispose();
    assert.ok(!existsSync(staged.dir));
    assert.ok(!existsSync(path.join(dir, LOCK_FILE)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process is taken over', async () => {
  const dir = makeDataDir();
  try {
    mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    writeFileSync(path.join(dir, LOCK_FILE), '999999999');
    const staged = await stageSnapshot({ dataDir: dir, hostname: 'x.test' });
    assert.equal(readFileSync(path.join(dir, LOCK_FILE), 'utf8'), String(process.pid), 'the lock is ours now');
    await staged.dispose();
    assert.equal(existsSync(path.join(dir, LOCK_FILE)), false, 'and released');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file named by the database but gone is reported, after retries, not silently dropped', async () => {
  const dir = makeDataDir();
  try {
    rmSync(path.join(dir, 'blobs', '20261123', '01', ID2));
    const staged = await stageSnapshot({ dataDir: dir, hostname: 'x.test', attempts: 2 });
    assert.deepEqual(staged.manifest.missingFiles, [`blobs/20261123/01/${ID2}`]);
    await staged.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the online copy is one committed state while another connection keeps writing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-online-backup-'));
  try {
    const file = path.join(dir, 'live.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (n INTEGER, pad TEXT); CREATE TABLE total (n INTEGER); INSERT INTO total VALUES (0)');
    const add = db.transaction((n: number) => { db.prepare('INSERT INTO t VALUES (?, ?)').run(n, 'x'.repeat(500)); db.prepare('UPDATE total SET n = n + ?').run(n); });
    for (let i = 1; i <= 2000; i++) add(i);
    let writing = true;
    const writer = (async () => { let i = 2001; while (writing) { add(i++); await new Promise((r) => setImmediate(r)); } })();
    const copy = path.join(dir, 'copy.db');
    await backupSqliteDatabase(file, copy);
    writing = false;
    await writer;
    db.close();
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('copy')), ['copy.db']);
    const c = new Database(copy, { readonly: true });
    const { sum } = c.prepare('SELECT COALESCE(SUM(n), 0) AS sum FROM t').get() as { sum: number };
    const { n } = c.prepare('SELECT n FROM total').get() as { n: number };
    c.close();
    assert.equal(sum, n, 'rows and running total agree: one transaction boundary');
    assert.ok(n >= 2000 * 2001 / 2);
    assert.deepEqual(listNamedMessageFiles(copy), { messages: [], queue: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
