// Installs a signed bundle: verify while unpacking into the inactive slot's staging area ->
// commit the slot -> switch `current` to it -> restart the services -> health check. When the
// restart or the health check fails, `current` goes back to the slot that ran before, the
// services restart again, and the attempt is recorded as rolled back. A bundle that fails
// verification is refused before anything visible changes (the staging area is removed).

import type { Logger } from '../../core/log.js';
import { summarize, type BundleManifest } from './bundle-format.js';
import { readBundle } from './bundle-reader.js';
import type { TrustedKey } from './bundle-signature.js';
import type { HealthResult } from './health-check.js';
import type { UpdateSlots } from './slots.js';
import { UpdateError } from './update-errors.js';
import type { UpdateHistory } from './update-history.js';
import { withUpdateLock } from './update-lock.js';
import { compareVersions } from './version-order.js';

export interface BundleApplyDeps {
  slots: UpdateSlots;
  keys: readonly TrustedKey[];
  history: UpdateHistory;
  /** Restarts the services so they run from the active slot; throws when the restart fails. */
  restart(): Promise<void>;
  health(): Promise<HealthResult>;
  lockFile: string;
  /** The version that runs while no slot is active (the image's own). */
  baseVersion: string;
  logger: Logger;
}

export interface ApplyResult {
  outcome: 'installed' | 'rolled_back';
  fromVersion: string;
  toVersion: string;
  slot: string;
  historyId: number;
  /** Why it was rolled back. */
  reason?: string;
}

export interface ApplyOptions {
  /** Install even when the bundle is not newer than what runs. */
  force?: boolean;
  /** Who asked: "cli:root", "panel:alice", "window". */
  trigger: string;
}

/** Refuses a bundle that is not newer than `running`, unless forced. */
export function checkNotDowngrade(manifest: BundleManifest, running: string, force: boolean): void {
  if (force) return;
  const order = compareVersions(manifest.version, running);
  if (order < 0) throw new UpdateError('bundle_downgrade', `the bundle holds ${manifest.version}, older than the running ${running}; use --force to install it anyway`);
  if (order === 0) throw new UpdateError('bundle_downgrade', `${manifest.version} is already installed; use --force to install it again`);
}

export async function runningVersion(slots: UpdateSlots, baseVersion: string): Promise<{ slot: string | null; version: string }> {
  const state = await slots.describe();
  const active = state.slots.find((s) => s.active);
  return { slot: state.active, version: active?.version ?? baseVersion };
}

export function applyBundle(deps: BundleApplyDeps, file: string, options: ApplyOptions): Promise<ApplyResult> {
  return withUpdateLock(deps.lockFile, () => applyLocked(deps, file, options));
}

async function applyLocked(deps: BundleApplyDeps, file: string, options: ApplyOptions): Promise<ApplyResult> {
  const log = deps.logger;
  const before = await runningVersion(deps.slots, deps.baseVersion);
  const id = deps.history.start({ kind: 'bundle', trigger: options.trigger, fromVersion: before.version });
  let stagedSlot: string | null = null;
  let manifest: BundleManifest;
  try {
    const staged = await deps.slots.stage();
    stagedSlot = staged.slot;
    try {
      ({ manifest } = await readBundle(file, {
        keys: deps.keys,
        extractTo: staged.dir,
        accept: (m) => checkNotDowngrade(m, before.version, options.force ?? false),
      }));
      await staged.commit({ version: manifest.version });
    } catch (err) {
      await staged.discard();
      throw err;
    }
  } catch (err) {
    const refused = err instanceof UpdateError;
    deps.history.finish(id, { outcome: refused ? 'refused' : 'failed', reason: (err as Error).message });
    log.warn('update bundle not installed', { bundle: file, err, outcome: refused ? 'refused' : 'failed' });
    throw err;
  }

  const to = manifest.version;
  log.info('update bundle verified and unpacked', { bundle: file, slot: stagedSlot, ...summarize(manifest), outcome: 'staged' });
  try {
    await deps.slots.activate(stagedSlot);
  } catch (err) {
    deps.history.finish(id, { outcome: 'failed', toVersion: to, reason: `could not switch to slot ${stagedSlot}: ${(err as Error).message}` });
    throw err;
  }

  let failure: string | null = null;
  try {
    await deps.restart();
    const health = await deps.health();
    if (!health.ok) failure = `health check failed: ${health.failures.join('; ')}`;
  } catch (err) {
    failure = `restart failed: ${(err as Error).message}`;
  }
  if (failure === null) {
    deps.history.finish(id, { outcome: 'installed', toVersion: to });
    log.info('update installed', { from: before.version, to, slot: stagedSlot, outcome: 'installed' });
    return { outcome: 'installed', fromVersion: before.version, toVersion: to, slot: stagedSlot!, historyId: id };
  }

  log.error('update failed after the switch; rolling back', { from: before.version, to, reason: failure, outcome: 'rolling_back' });
  let reason = failure;
  try {
    await deps.slots.activate(before.slot);
    await deps.restart();
    const again = await deps.health();
    if (!again.ok) reason += `; after the rollback the previous version does not answer either: ${again.failures.join('; ')}`;
  } catch (err) {
    reason += `; the rollback itself failed: ${(err as Error).message}`;
  }
  deps.history.finish(id, { outcome: 'rolled_back', toVersion: to, reason });
  log.warn('update rolled back', { from: before.version, to, reason, outcome: 'rolled_back' });
  return { outcome: 'rolled_back', fromVersion: before.version, toVersion: to, slot: before.slot ?? '(none)', historyId: id, reason };
}
