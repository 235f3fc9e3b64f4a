// backup.run does the backup as the data directory's owner, not as root (agent/backup/
// backup-as-owner.ts). DIR belongs to the mail daemon's user ("nobody" stands in for it here),
// who can plant anything in it: symlinks to a root-only file and directory outside DIR, a *.db
// that is a link to a root-only database (the agent's agent.db), a stage that is a link, or a
// hard link to root's file, which is what a directory flipped to a symlink between root's check
// and its read amounts to (a name in DIR that leads to root's data). With the real restic, the
// snapshot is restored as root and searched: root's secret is in none of its files, the
// repository's files are the owner's (restic ran as that user), and the hard link stops the
// backup with backup_file_unreadable instead of copying root's bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../../../core/config.js';
import { silentLogger } from '../../../core/log.js';
import { catalogueByName } from '../../../agent/helper/catalogue.js';
import { backupRunCommand } from '../../../agent/helper/commands/backup-run.js';
import type { HelperContext } from '../../../agent/helper/helper-command.js';
import { HelperDispatcher } from '../../../agent/helper/helper-dispatcher.js';
import type { HelperResponse } from '../../../agent/helper/helper-protocol.js';
import { createArgvRunner } from '../../../agent/helper/run-argv.js';

const asRoot = process.getuid?.() === 0;
const OWNER = 65534; // nobody:nogroup
const SECRET = 'root-only-secret-7f3a9c';
const PASSWORD = 'correct horse';

interface Fixture {
  dataDir: string;
  /** Root's: 0700, holding shadow (0600) and agent.db (0600), both with SECRET. */
  secretDir: string;
  repo: string;
  backup(): Promise<HelperResponse>;
  /** Every regular file of the latest snapshot, restored as root, that contains SECRET. */
  leaked(): string[];
}

function chownTree(p: string): void {
  chownSync(p, OWNER, OWNER);
  if (lstatSync(p).isDirectory()) for (const name of readdirSync(p)) chownTree(path.join(p, name));
}

function fixture(t: { after: (fn: () => void) => void }): Fixture {
  const made: string[] = [];
  const temp = (prefix: string) => { const d = mkdtempSync(path.join(os.tmpdir(), prefix)); made.push(d); return d; };
  t.after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });
  const dataDir = temp('mailroom-owner-dir-');
  mkdirSync(path.join(dataDir, 'secrets'));
  writeFileSync(path.join(dataDir, 'secrets', 'backup.password'), `${PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(path.join(dataDir, 'config.json'), '{}\n', { mode: 0o640 });
  mkdirSync(path.join(dataDir, 'notes'));
  writeFileSync(path.join(dataDir, 'notes', 'own.txt'), 'the owner\'s own file\n');
  chownTree(dataDir);
  chmodSync(dataDir, 0o750);

  const secretDir = temp('mailroom-owner-root-');
  chmodSync(secretDir, 0o700);
  writeFileSync(path.join(secretDir, 'shadow'), `${SECRET}\n`, { mode: 0o600 });
  const db = new Database(path.join(secretDir, 'agent.db'));
  db.exec('CREATE TABLE t (v TEXT)');
  db.prepare('INSERT INTO t VALUES (?)').run(SECRET);
  db.close();
  chmodSync(path.join(secretDir, 'agent.db'), 0o600);

  // The repository: a directory the owner may write, under root's.
  const repoParent = temp('mailroom-owner-repo-');
  chmodSync(repoParent, 0o755);
  const repo = path.join(repoParent, 'repo');
  mkdirSync(repo);
  chownSync(repo, OWNER, OWNER);

  let id = 0;
  const run = createArgvRunner();
  return {
    dataDir, secretDir, repo,
    backup: () => {
      const context = (logger: typeof silentLogger): HelperContext => ({
        run, logger, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root' }, dataDir,
        config: () => ({
          dataDir, hostname: 'mx.example.test',
          backup: { enabled: true, repository: repo, passwordFile: 'secrets/backup.password', schedule: '30 2 * * *', keep: { daily: 7, weekly: 4, monthly: 6 }, env: {} },
        }) as unknown as Config,
        shared: (_key, create) => create(),
      });
      const dispatcher = new HelperDispatcher(catalogueByName([backupRunCommand]), context, silentLogger);
      return dispatcher.dispatch({ id: ++id, command: 'backup.run', args: {} });
    },
    leaked: () => {
      const target = temp('mailroom-owner-restored-');
      execFileSync('/usr/bin/restic', ['--repo', repo, '--no-cache', 'restore', 'latest', '--target', target], {
        env: { PATH: '/usr/bin:/bin', RESTIC_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'pipe'],
      });
      const hits: string[] = [];
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const p = path.join(d, name);
          const info = lstatSync(p);
          if (info.isDirectory()) walk(p);
          else if (info.isFile() && readFileSync(p).includes(SECRET)) hits.push(path.relative(target, p));
        }
      };
      walk(target);
      assert.ok(existsSync(path.join(target, 'notes', 'own.txt')), 'the owner\'s own files are in the snapshot');
      return hits;
    },
  };
}

function snapshots(f: Fixture): unknown[] {
  if (!existsSync(path.join(f.repo, 'config'))) return [];
  const out = execFileSync('/usr/bin/restic', ['--repo', f.repo, '--no-cache', 'snapshots', '--json'], { env: { PATH: '/usr/bin:/bin', RESTIC_PASSWORD: PASSWORD } });
  return JSON.parse(out.toString('utf8')) as unknown[];
}

test('links planted in DIR to root-only files, directories and databases do not bring their content into the backup', { skip: !asRoot && 'needs root to act as the owner' }, async (t) => {
  const f = fixture(t);
  symlinkSync(path.join(f.secretDir, 'shadow'), path.join(f.dataDir, 'rootlink'));
  symlinkSync(f.secretDir, path.join(f.dataDir, 'rootdir'));
  symlinkSync(path.join(f.secretDir, 'agent.db'), path.join(f.dataDir, 'stolen.db'));
  // The stage itself swapped for a link before the backup starts.
  mkdirSync(path.join(f.dataDir, 'tmp'));
  symlinkSync(f.secretDir, path.join(f.dataDir, 'tmp', 'backup-stage'));
  for (const p of ['rootlink', 'rootdir', 'stolen.db', 'tmp', 'tmp/backup-stage']) execFileSync('chown', ['-h', `${OWNER}:${OWNER}`, path.join(f.dataDir, p)]);

  const r = await f.backup();
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.deepEqual(f.leaked(), []);
  // restic ran as the owner: the repository it made is the owner's, and its cache is in DIR/tmp.
  assert.equal(statSync(path.join(f.repo, 'config')).uid, OWNER);
  assert.ok(existsSync(path.join(f.dataDir, 'tmp', 'restic-cache')));
  // Root's files are untouched (the stage's removal did not follow the link).
  assert.equal(readFileSync(path.join(f.secretDir, 'shadow'), 'utf8'), `${SECRET}\n`);
  assert.ok(existsSync(path.join(f.secretDir, 'agent.db')));
});

test('a hard link to root\'s file in DIR stops the backup (backup_file_unreadable), and no snapshot holds its content', { skip: !asRoot && 'needs root to act as the owner' }, async (t) => {
  const f = fixture(t);
  // What a directory flipped to a symlink between root's check and read amounts to: a name in
  // DIR whose data is root's. (The kernel's protected_hardlinks keeps the owner from making
  // this link itself; root makes it here to stand for the race.)
  linkSync(path.join(f.secretDir, 'shadow'), path.join(f.dataDir, 'notes', 'leak'));
  const r = await f.backup();
  assert.equal(r.ok, false, JSON.stringify(r));
  const error = (r as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'backup_file_unreadable');
  assert.match(error.message, /notes\/leak/);
  assert.doesNotMatch(error.message, new RegExp(SECRET));
  assert.deepEqual(snapshots(f), []);
  // Without the planted link the same DIR backs up, and still holds nothing of root's.
  rmSync(path.join(f.dataDir, 'notes', 'leak'));
  const again = await f.backup();
  assert.equal(again.ok, true, JSON.stringify(again));
  assert.equal(snapshots(f).length, 1);
  assert.deepEqual(f.leaked(), []);
});
