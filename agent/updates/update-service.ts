// The updates feature as one object for its callers (the CLI, the agent's window and routes,
// the privileged helper's commands): check what is pending, apply a bundle or Debian's updates,
// and report the state and the history. Paths, keys and probes come from config.updates; every
// process goes through the runner it is given.

import { readdir, readFile, rename, writeFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../core/config.js';
import { MailroomError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { applyApt, checkApt, type AptCheck } from './apt-updates.js';
import { applyBundle, runningVersion, type ApplyResult } from './bundle-apply.js';
import { summarize } from './bundle-format.js';
import { readBundle } from './bundle-reader.js';
import { loadTrustedKeys, type TrustedKey } from './bundle-signature.js';
import { lastLine, type CommandRunner } from './command-runner.js';
import { checkHealth, probeAddress, type HealthProbe, type HealthResult } from './health-check.js';
import { DirectorySlots, type SlotsState, type UpdateSlots } from './slots.js';
import { UpdateError } from './update-errors.js';
import type { UpdateHistory, UpdateRecord, PackageChange } from './update-history.js';
import { compareVersions } from './version-order.js';
import { agentStateDir } from '../agent-state-dir.js';
import type { SysupdateCheck } from './sysupdate.js';

/** Bundles are files named *.mrb in updates.bundleDir. */
export const BUNDLE_EXTENSION = '.mrb';
export const CHECK_FILE = 'updates-check.json';

export interface BundleCandidate {
  file: string;
  /** Set when the bundle verified: signature and every file. */
  version: string | null;
  createdAt: string | null;
  files: number | null;
  bytes: number | null;
  keyId: string | null;
  /** Newer than what runs. */
  newer: boolean;
  error: { code: string; message: string } | null;
}

export interface UpdateCheck {
  checkedAt: string;
  running: string;
  bundles: BundleCandidate[];
  apt: (AptCheck & { error: null }) | { pending: []; refreshed: false; error: { code: string; message: string } } | null;
  /** updates.source "sysupdate": what the update server offers (agent/updates/sysupdate.ts). */
  sysupdate?: (SysupdateCheck & { error: null }) | { available: null; current: null; error: { code: string; message: string } } | null;
}

export interface UpdateStatus {
  running: { version: string; slot: string | null };
  slots: SlotsState;
  lastCheck: UpdateCheck | null;
  history: UpdateRecord[];
}

export interface UpdateServiceDeps {
  config: Config;
  runner: CommandRunner;
  history: UpdateHistory;
  logger: Logger;
  /** The version that runs when no slot is active (this build's). */
  baseVersion: string;
  /** Overrides config.updates.restartCommand (tests). */
  restart?: () => Promise<void>;
  slots?: UpdateSlots;
}

const errorOf = (err: unknown) => ({ code: err instanceof MailroomError ? err.code : 'internal', message: (err as Error).message ?? String(err) });

export class UpdateService {
  readonly slots: UpdateSlots;
  private readonly settings: Config['updates'];

  constructor(private readonly deps: UpdateServiceDeps) {
    this.settings = deps.config.updates;
    this.slots = deps.slots ?? new DirectorySlots(this.abs(this.settings.slotsDir));
  }

  private abs(p: string): string {
    return path.resolve(this.deps.config.dataDir, p);
  }

  get slotsDir(): string { return this.abs(this.settings.slotsDir); }
  get bundleDir(): string { return this.abs(this.settings.bundleDir); }

  keys(): TrustedKey[] {
    return loadTrustedKeys(this.settings.trustedKeys, this.settings.keysDir === null ? null : this.abs(this.settings.keysDir));
  }

  healthProbes(): HealthProbe[] {
    const { listen } = this.deps.config;
    const probes: HealthProbe[] = [];
    for (const check of this.settings.healthCheck.checks) {
      const at = check === 'smtp' ? listen.smtp : check === 'imap' ? listen.imap : listen.admin;
      if (at) probes.push({ kind: check, ...probeAddress(at) });
    }
    return probes;
  }

  health(): Promise<HealthResult> {
    return checkHealth(this.healthProbes(), this.settings.healthCheck.timeoutSeconds * 1000);
  }

  private async restart(): Promise<void> {
    if (this.deps.restart) return this.deps.restart();
    const argv = this.settings.restartCommand;
    const r = await this.deps.runner(argv, { timeoutMs: 5 * 60_000 });
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${lastLine(r.stderr) || lastLine(r.stdout)}`);
  }

  async running(): Promise<{ version: string; slot: string | null }> {
    const r = await runningVersion(this.slots, this.deps.baseVersion);
    return { version: r.version, slot: r.slot };
  }

  /** Verifies one bundle (no writes) and says whether it is newer than what runs. */
  async inspectBundle(file: string, running?: string): Promise<BundleCandidate> {
    const current = running ?? (await this.running()).version;
    try {
      const { manifest, keyId } = await readBundle(file, { keys: this.keys() });
      const s = summarize(manifest);
      return { file, version: s.version, createdAt: s.createdAt, files: s.files, bytes: s.bytes, keyId, newer: compareVersions(s.version, current) > 0, error: null };
    } catch (err) {
      return { file, version: null, createdAt: null, files: null, bytes: null, keyId: null, newer: false, error: errorOf(err) };
    }
  }

  /** A bundle file, or every *.mrb of a directory (default updates.bundleDir), verified. */
  async checkBundles(source?: string): Promise<BundleCandidate[]> {
    const where = source ? path.resolve(source) : this.bundleDir;
    const st = await stat(where).catch(() => null);
    if (!st) {
      if (source) throw new UpdateError('bundle_unreadable', `no such bundle or directory: ${where}`);
      return [];
    }
    const running = (await this.running()).version;
    if (st.isFile()) return [await this.inspectBundle(where, running)];
    const names = (await readdir(where)).filter((n) => n.endsWith(BUNDLE_EXTENSION)).sort();
    const out: BundleCandidate[] = [];
    for (const n of names) out.push(await this.inspectBundle(path.join(where, n), running));
    return out;
  }

  /** The newest verified bundle newer than what runs, if any. */
  static pick(bundles: readonly BundleCandidate[]): BundleCandidate | null {
    const ok = bundles.filter((b) => b.newer && b.version !== null);
    ok.sort((a, b) => compareVersions(b.version!, a.version!));
    return ok[0] ?? null;
  }

  /** Checks bundles and (when updates.apt.enabled and `apt` is not false) apt; remembers the result for status. */
  async check(options: { bundle?: string; apt?: boolean; refreshApt?: boolean } = {}): Promise<UpdateCheck> {
    const bundles = await this.checkBundles(options.bundle);
    let apt: UpdateCheck['apt'] = null;
    if (this.settings.apt.enabled && options.apt !== false) {
      try {
        apt = { ...(await checkApt(this.deps.runner, { refresh: options.refreshApt ?? false })), error: null };
      } catch (err) {
        apt = { pending: [], refreshed: false, error: errorOf(err) };
      }
    }
    const result: UpdateCheck = { checkedAt: new Date().toISOString(), running: (await this.running()).version, bundles, apt };
    await this.saveCheck(result);
    return result;
  }

  async saveCheck(check: UpdateCheck): Promise<void> {
    const file = path.join(agentStateDir(this.deps.config), CHECK_FILE);
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, JSON.stringify(check) + '\n', { mode: 0o644 });
      await rename(tmp, file);
    } catch (err) {
      // The check itself succeeded; only the panel's copy of it is stale.
      this.deps.logger.warn('could not save the update check', { file, err });
    }
  }

  async lastCheck(): Promise<UpdateCheck | null> {
    try {
      return JSON.parse(await readFile(path.join(agentStateDir(this.deps.config), CHECK_FILE), 'utf8')) as UpdateCheck;
    } catch {
      return null;
    }
  }

  async status(limit = 20): Promise<UpdateStatus> {
    return { running: await this.running(), slots: await this.slots.describe(), lastCheck: await this.lastCheck(), history: this.deps.history.recent(limit) };
  }

  /** Installs `file`, or the newest pending bundle of updates.bundleDir. */
  async applyBundle(options: { file?: string; force?: boolean; trigger: string }): Promise<ApplyResult> {
    let file = options.file ? path.resolve(options.file) : null;
    if (!file) {
      const pick = UpdateService.pick(await this.checkBundles());
      if (!pick) throw new UpdateError('update_no_bundle', `no verified bundle newer than the running version in ${this.bundleDir}`);
      file = pick.file;
    }
    await mkdir(this.slotsDir, { recursive: true, mode: 0o755 });
    return applyBundle({
      slots: this.slots, keys: this.keys(), history: this.deps.history,
      restart: () => this.restart(), health: () => this.health(),
      lockFile: path.join(this.slotsDir, '.update.lock'), baseVersion: this.deps.baseVersion,
      logger: this.deps.logger.child({ job: 'update-bundle' }),
    }, file, { force: options.force ?? false, trigger: options.trigger });
  }

  /** Debian's updates (security only unless updates.apt.securityOnly is false), with a report. */
  async applyApt(options: { trigger: string; refresh?: boolean }): Promise<{ changes: PackageChange[]; historyId: number }> {
    const id = this.deps.history.start({ kind: 'apt', trigger: options.trigger });
    try {
      const result = await applyApt(this.deps.runner, { securityOnly: this.settings.apt.securityOnly, refresh: options.refresh ?? true });
      this.deps.history.finish(id, { outcome: result.changes.length ? 'installed' : 'nothing', changes: result.changes, reason: result.requested.length ? null : 'no pending updates' });
      return { changes: result.changes, historyId: id };
    } catch (err) {
      const changes = ((err as { cause?: { changes?: PackageChange[] } }).cause?.changes) ?? [];
      this.deps.history.finish(id, { outcome: 'failed', reason: (err as Error).message, changes });
      throw err;
    }
  }
}
