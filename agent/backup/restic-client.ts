// The restic commands Mailroom uses, over a ResticRunner: init, backup with --json progress,
// snapshots, restore, forget --prune. The password goes in RESTIC_PASSWORD of the child's own
// environment (never argv, where `ps` shows it); the child gets only the variables listed here,
// never the caller's whole environment.

import { BackupError } from './backup-error.js';
import type { Repository } from './restic-repository.js';
import type { ResticResult, ResticRunner } from './restic-runner.js';

export interface BackupProgress {
  percentDone: number;
  filesDone: number;
  totalFiles: number;
  bytesDone: number;
  totalBytes: number;
  secondsElapsed: number;
}

export interface BackupSummary {
  snapshotId: string;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dataAdded: number;
  totalFiles: number;
  totalBytes: number;
  durationSeconds: number;
}

export interface Snapshot {
  id: string;
  shortId: string;
  time: string;
  hostname: string;
  tags: string[];
  paths: string[];
}

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface ResticClientOptions {
  repository: Repository;
  password: string;
  runner: ResticRunner;
  /** Backend credentials (AWS_ACCESS_KEY_ID, ...), from config backup.env. */
  env?: Readonly<Record<string, string>>;
  /**
   * PATH and HOME for restic (its cache, and ssh for SFTP): resticBaseEnv() of the process's
   * environment, picked by the composition root (nothing below it reads process.env).
   */
  baseEnv: Readonly<Record<string, string>>;
}

const DEFAULT_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** The part of a process environment restic is given: PATH (a default when unset) and HOME. */
export function resticBaseEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return { PATH: env.PATH ?? DEFAULT_PATH, ...(env.HOME ? { HOME: env.HOME } : {}) };
}

/** Turns restic's stderr into one of our error codes; the first matching line wins. */
export function classifyResticFailure(result: ResticResult, what: string): BackupError {
  const text = result.stderr;
  const lastLine = text.trim().split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${result.code}`;
  const cause = new Error(text.trim() || `restic exited ${result.code}`);
  if (/wrong password or no key found/i.test(text)) return new BackupError('wrong_password', 'wrong password for the backup repository', { cause });
  if (/unable to open config file|Is there a repository at the following location/i.test(text)) return new BackupError('repository_missing', 'no backup repository at that location (run a backup first to create it)', { cause });
  if (/repository is already locked|unable to create lock/i.test(text)) return new BackupError('repository_locked', 'the backup repository is locked by another restic process; try again later', { cause });
  if (/no matching ID found|invalid id|no snapshot found|snapshot .* not found/i.test(text)) return new BackupError('snapshot_missing', 'no such snapshot in the backup repository', { cause });
  return new BackupError('restic_failed', `restic ${what} failed: ${lastLine.replace(/^Fatal:\s*/, '')}`, { cause });
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** One `restic backup --json` status line as progress, or null for anything else. */
export function parseBackupStatus(line: string): BackupProgress | null {
  let v: Record<string, unknown>;
  try { v = JSON.parse(line) as Record<string, unknown>; } catch { return null; }
  if (!v || v.message_type !== 'status') return null;
  return {
    percentDone: Math.max(0, Math.min(1, num(v.percent_done))),
    filesDone: num(v.files_done), totalFiles: num(v.total_files),
    bytesDone: num(v.bytes_done), totalBytes: num(v.total_bytes),
    secondsElapsed: num(v.seconds_elapsed),
  };
}

function parseSummary(stdout: string): BackupSummary | null {
  for (const line of stdout.split('\n').reverse()) {
    let v: Record<string, unknown>;
    try { v = JSON.parse(line) as Record<string, unknown>; } catch { continue; }
    if (v?.message_type !== 'summary' || typeof v.snapshot_id !== 'string') continue;
    return {
      snapshotId: v.snapshot_id, filesNew: num(v.files_new), filesChanged: num(v.files_changed), filesUnmodified: num(v.files_unmodified),
      dataAdded: num(v.data_added), totalFiles: num(v.total_files_processed), totalBytes: num(v.total_bytes_processed), durationSeconds: num(v.total_duration),
    };
  }
  return null;
}

/** A snapshot id as restic takes it: "latest" or 8-64 hex digits. */
export function isSnapshotRef(value: string): boolean {
  return value === 'latest' || /^[0-9a-f]{8,64}$/.test(value);
}

export class ResticClient {
  constructor(private readonly options: ResticClientOptions) {}

  get repository(): Repository { return this.options.repository; }

  private env(): Record<string, string> {
    return { ...this.options.baseEnv, ...(this.options.env ?? {}), RESTIC_PASSWORD: this.options.password };
  }

  private async run(what: string, args: string[], extra: { cwd?: string; onStdoutLine?: (line: string) => void; okCodes?: number[] } = {}): Promise<ResticResult> {
    const result = await this.options.runner({
      args: ['--repo', this.options.repository.location, ...args], env: this.env(),
      ...(extra.cwd ? { cwd: extra.cwd } : {}), ...(extra.onStdoutLine ? { onStdoutLine: extra.onStdoutLine } : {}),
    });
    if (!(extra.okCodes ?? [0]).includes(result.code)) throw classifyResticFailure(result, what);
    return result;
  }

  /** True when a repository exists there and the password opens it; false when none exists. */
  async exists(): Promise<boolean> {
    try {
      await this.run('cat config', ['cat', 'config']);
      return true;
    } catch (err) {
      if (err instanceof BackupError && err.code === 'repository_missing') return false;
      throw err;
    }
  }

  async init(): Promise<void> {
    await this.run('init', ['init']);
  }

  /**
   * Backs up `paths` (relative to `cwd`, so the snapshot holds them under their relative names).
   * Exit code 3 ("some files could not be read") is a failure here: a backup missing files it
   * was told to save is not one to rely on.
   */
  async backup(options: { cwd: string; paths: string[]; tags: string[]; host?: string; onProgress?: (p: BackupProgress) => void }): Promise<BackupSummary> {
    const args = ['backup', '--json', '--ignore-ctime', ...options.tags.flatMap((t) => ['--tag', t]), ...(options.host ? ['--host', options.host] : []), '--', ...options.paths];
    const onStdoutLine = options.onProgress ? (line: string) => { const p = parseBackupStatus(line); if (p) options.onProgress!(p); } : undefined;
    const result = await this.run('backup', args, { cwd: options.cwd, ...(onStdoutLine ? { onStdoutLine } : {}) });
    const summary = parseSummary(result.stdout);
    if (!summary) throw new BackupError('restic_failed', 'restic backup finished without a summary', { cause: new Error(result.stdout.slice(-2000)) });
    return summary;
  }

  async snapshots(tag?: string): Promise<Snapshot[]> {
    const result = await this.run('snapshots', ['snapshots', '--json', ...(tag ? ['--tag', tag] : [])]);
    let raw: unknown;
    try { raw = JSON.parse(result.stdout || '[]'); } catch (err) { throw new BackupError('restic_failed', 'restic snapshots printed something that is not JSON', { cause: err }); }
    if (!Array.isArray(raw)) return [];
    return (raw as Record<string, unknown>[]).map((s) => ({
      id: String(s.id ?? ''), shortId: String(s.short_id ?? String(s.id ?? '').slice(0, 8)), time: String(s.time ?? ''),
      hostname: String(s.hostname ?? ''), tags: Array.isArray(s.tags) ? s.tags.map(String) : [], paths: Array.isArray(s.paths) ? s.paths.map(String) : [],
    })).sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Restores `snapshot` (an id or "latest") into `target`; `include` limits it to those paths. */
  async restore(options: { snapshot: string; target: string; include?: string[] }): Promise<void> {
    if (!isSnapshotRef(options.snapshot)) throw new BackupError('snapshot_missing', `"${options.snapshot}" is not a snapshot id (8-64 hex digits) or "latest"`);
    await this.run('restore', ['restore', options.snapshot, '--target', options.target, ...(options.include ?? []).flatMap((p) => ['--include', p])]);
  }

  /** Applies the retention policy to this host's snapshots with `tag` and prunes unused data. */
  async forget(policy: RetentionPolicy, tag: string): Promise<void> {
    await this.run('forget', ['forget', '--tag', tag, '--keep-daily', String(policy.daily), '--keep-weekly', String(policy.weekly), '--keep-monthly', String(policy.monthly), '--prune']);
  }
}
