// `mailroom backup create|list|restore`: encrypted backups with restic (agent/backup).
//   create  --repo REPO --password-stdin [--json]      back up --data DIR (works while serve runs)
//   list    --repo REPO --password-stdin [--json]      the repository's Mailroom snapshots
//   restore --repo REPO --password-stdin [--snapshot ID|latest] --target NEWDIR
//           the whole system into a new (or empty) data directory
//   restore --repo REPO --password-stdin [--snapshot ID|latest] --mailbox ADDR
//           one user's messages into --data DIR, under "Restored/YYYY-MM-DD/<folder>"
// The repository password only ever comes from stdin; REPO may be a directory (created and
// initialised on the first backup), sftp:user@host:/path or s3:https://host/bucket.

import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CliArgs } from '../args.js';
import { checkShape, commandGroup, UsageError, valueFlag } from '../command-input.js';
import { readPasswordFromStdin } from '../password-input.js';
import { loadCliConfig, withServices } from '../services.js';
import type { Config } from '../../core/config.js';
import { silentLogger } from '../../core/log.js';
import { BackupError } from '../../agent/backup/backup-error.js';
import { copyMailbox } from '../../agent/backup/copy-mailbox.js';
import { createBackup, SNAPSHOT_TAG } from '../../agent/backup/create-backup.js';
import { ResticClient, isSnapshotRef, resticBaseEnv, type BackupProgress } from '../../agent/backup/restic-client.js';
import { parseRepository } from '../../agent/backup/restic-repository.js';
import { spawnRestic } from '../../agent/backup/restic-runner.js';
import { fetchSnapshotDatabase, fetchSnapshotFiles } from '../../agent/backup/restore-mailbox-files.js';
import { restoreSystem } from '../../agent/backup/restore-system.js';
import { DATABASE_FILE, openDatabase } from '../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../mail/store/sqlite/directory.js';
import { SqliteMailStore } from '../../mail/store/sqlite/mail-store.js';
import { FsBlobStore } from '../../mail/store/fs/blob-store.js';
import { listUserMessageFiles } from '../../mail/store/sqlite/online-backup.js';

function repositoryOf(args: CliArgs, usage: string) {
  const repo = valueFlag(args, 'repo');
  if (repo === undefined) throw new UsageError(`--repo is required (usage: mailroom ${usage})`);
  return parseRepository(repo, process.cwd());
}

function requirePasswordStdin(args: CliArgs, usage: string): void {
  if (args.flags['password-stdin'] !== true) throw new UsageError(`--password-stdin is required: the repository password is read from standard input (usage: mailroom ${usage})`);
}

async function passwordOf(args: CliArgs, usage: string): Promise<string> {
  requirePasswordStdin(args, usage);
  return readPasswordFromStdin();
}

/** The data directory's config when there is one: its backup.env carries S3 credentials. */
function optionalConfig(dataDir: string): Config | null {
  try { return loadCliConfig(dataDir); } catch { return null; }
}

function client(args: CliArgs, usage: string, password: string, config: Config | null): ResticClient {
  return new ResticClient({ repository: repositoryOf(args, usage), password, runner: spawnRestic(), baseEnv: resticBaseEnv(process.env), env: { ...(config?.backup.env ?? {}) } });
}

function snapshotOf(args: CliArgs): string {
  const snapshot = valueFlag(args, 'snapshot') ?? 'latest';
  if (!isSnapshotRef(snapshot)) throw new BackupError('snapshot_missing', `"${snapshot}" is not a snapshot id (8-64 hex digits) or "latest"`);
  return snapshot;
}

/** Progress on stderr, only for a person watching a terminal. */
function terminalProgress(): ((p: BackupProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (p) => process.stderr.write(`\rbackup: ${(p.percentDone * 100).toFixed(1)}%  ${p.filesDone}/${p.totalFiles} files  `);
}

function sizeText(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)}${units[i]}`;
}

async function restoreMailbox(args: CliArgs, restic: ResticClient, snapshot: string, address: string): Promise<void> {
  await withServices(args.dataDir, async (live) => {
    const targetUser = await live.directory.getUser(address);
    if (!targetUser) throw new BackupError('unknown_user', `no user ${address} in ${live.config.dataDir}; add the user first, then restore the mailbox`);
    const work = path.join(live.config.dataDir, 'tmp', `backup-restore-${randomBytes(6).toString('hex')}`);
    await mkdir(work, { recursive: true, mode: 0o700 });
    try {
      await fetchSnapshotDatabase(restic, snapshot, work);
      const db = openDatabase(path.join(work, DATABASE_FILE));
      try {
        const blobs = await FsBlobStore.open({ dataDir: work, logger: silentLogger });
        const source = new SqliteMailStore({ db, blobs, logger: silentLogger });
        try {
          const sourceUser = await new SqliteDirectory({ db, mailStore: source, logger: silentLogger }).getUser(address);
          if (!sourceUser) throw new BackupError('unknown_user', `the snapshot has no user ${address}`);
          await fetchSnapshotFiles(restic, snapshot, work, listUserMessageFiles(path.join(work, DATABASE_FILE), sourceUser.id));
          const result = await copyMailbox({ source, sourceUser: sourceUser.id, target: live.mailStore, targetUser: targetUser.id, now: new Date() });
          process.stdout.write(`restored ${result.messages} message(s) in ${result.folders} folder(s) of ${targetUser.address} into "${result.root}"\n`);
        } finally {
          await source.close();
        }
      } finally {
        db.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

export const backupCommand = commandGroup('backup', {
  async create(args, words) {
    const usage = 'backup create --repo REPO --password-stdin [--json]';
    checkShape(args, words, { usage, positional: [0, 0], switches: ['password-stdin', 'json'], values: ['repo'] });
    repositoryOf(args, usage);
    requirePasswordStdin(args, usage);
    const config = loadCliConfig(args.dataDir);
    const password = await passwordOf(args, usage);
    const restic = client(args, usage, password, config);
    const progress = terminalProgress();
    const result = await createBackup({ dataDir: config.dataDir, hostname: config.hostname, restic, tags: ['manual'], ...(progress ? { onProgress: progress } : {}) });
    if (progress) process.stderr.write('\n');
    if (args.flags.json) {
      process.stdout.write(JSON.stringify({ ...result.summary, initialised: result.initialised, manifest: result.manifest }) + '\n');
    } else {
      const s = result.summary;
      process.stdout.write(`${result.initialised ? `initialised repository ${restic.repository.location}\n` : ''}snapshot ${s.snapshotId} saved: ${s.totalFiles} files, ${sizeText(s.totalBytes)} (${sizeText(s.dataAdded)} new), ${result.manifest.messageFiles} messages\n`);
    }
    for (const missing of result.manifest.missingFiles) process.stderr.write(`mailroom: warning: message file ${missing} is named by the database but missing; it is not in the backup\n`);
    return 0;
  },

  async list(args, words) {
    const usage = 'backup list --repo REPO --password-stdin [--json]';
    checkShape(args, words, { usage, positional: [0, 0], switches: ['password-stdin', 'json'], values: ['repo'] });
    repositoryOf(args, usage);
    const password = await passwordOf(args, usage);
    const snapshots = await client(args, usage, password, optionalConfig(args.dataDir)).snapshots(SNAPSHOT_TAG);
    if (args.flags.json) {
      process.stdout.write(JSON.stringify(snapshots.map((s) => ({ id: s.id, shortId: s.shortId, time: s.time, hostname: s.hostname, tags: s.tags }))) + '\n');
    } else {
      for (const s of snapshots) process.stdout.write(`${s.shortId}  ${s.time.slice(0, 19).replace('T', ' ')}  ${s.hostname}  ${s.tags.filter((t) => t !== SNAPSHOT_TAG).join(',')}\n`);
    }
    return 0;
  },

  async restore(args, words) {
    const usage = 'backup restore --repo REPO --password-stdin [--snapshot ID|latest] (--target NEWDIR | --mailbox ADDR)';
    checkShape(args, words, { usage, positional: [0, 0], switches: ['password-stdin'], values: ['repo', 'snapshot', 'target', 'mailbox'] });
    repositoryOf(args, usage);
    const target = valueFlag(args, 'target');
    const mailbox = valueFlag(args, 'mailbox');
    if ((target === undefined) === (mailbox === undefined)) throw new UsageError(`give exactly one of --target NEWDIR (whole system) or --mailbox ADDR (usage: mailroom ${usage})`);
    const snapshot = snapshotOf(args);
    const password = await passwordOf(args, usage);
    if (target !== undefined) {
      const restic = client(args, usage, password, optionalConfig(args.dataDir));
      const manifest = await restoreSystem({ restic, snapshot, target });
      process.stdout.write(`restored the backup of ${manifest.hostname} from ${manifest.createdAt} into ${path.resolve(target)} (${manifest.messageFiles} messages)\n`);
      return 0;
    }
    const restic = client(args, usage, password, loadCliConfig(args.dataDir));
    await restoreMailbox(args, restic, snapshot, mailbox!);
    return 0;
  },
});
