// The updates feature inside the agent: the panel's view (status, check, apply) and the
// maintenance window. The agent runs as mailroom-admin and is itself restarted by an update,
// so everything that installs goes through the privileged helper (updates.apt-check,
// updates.apt-apply, updates.bundle-apply), which outlives the restart and can roll back; the
// agent itself only reads: the slots, the bundles' signatures and hashes, the history.

import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import type { AgentDb } from '../admin/agent-database.js';
import type { HelperCaller } from '../helper/helper-client.js';
import type { AptCheck } from './apt-updates.js';
import type { ApplyResult } from './bundle-apply.js';
import { SYSUPDATE_UPDATE_TIMEOUT_MS, type SysupdateCheck, type SysupdateResult } from './sysupdate.js';
import type { CommandRunner } from './command-runner.js';
import { MaintenanceWindow } from './maintenance-window.js';
import { UpdateHistory, type PackageChange } from './update-history.js';
import { UpdateService, type UpdateCheck, type UpdateStatus } from './update-service.js';
import path from 'node:path';

/** A bundle apply waits for unpacking, two restarts and two health checks. */
const APPLY_TIMEOUT_MS = 30 * 60_000;

export interface AgentUpdatesView {
  status(): Promise<UpdateStatus & { window: { enabled: boolean; cron: string; next: string | null; open: boolean } }>;
  check(): Promise<UpdateCheck>;
  applyBundle(options: { file?: string; force?: boolean; trigger: string }): Promise<ApplyResult>;
  applyApt(options: { trigger: string }): Promise<{ changes: PackageChange[]; historyId: number }>;
  /** updates.source "sysupdate" (the appliance): the next release into the other root slot. */
  applySystem(options: { trigger: string; reboot: boolean }): Promise<SysupdateResult>;
}

export class AgentUpdates implements AgentUpdatesView {
  private readonly service: UpdateService;
  private readonly window: MaintenanceWindow;

  constructor(private readonly deps: { config: Config; db: AgentDb; helper: HelperCaller; logger: Logger; baseVersion: string }) {
    // The agent's reads need no root: the simulation runs with Debug::NoLocking. Anything else
    // would be a bug; refuse it rather than run it as the agent.
    const readOnlyRunner: CommandRunner = async () => { throw new Error('the agent does not run apt itself; use the helper'); };
    this.service = new UpdateService({ config: deps.config, runner: readOnlyRunner, history: new UpdateHistory(deps.db), logger: deps.logger, baseVersion: deps.baseVersion });
    this.window = new MaintenanceWindow({
      cron: deps.config.updates.window, lengthSeconds: deps.config.updates.windowLength, logger: deps.logger,
      job: (deadline) => this.maintenance(deadline),
    });
  }

  start(): void {
    if (this.deps.config.updates.enabled) this.window.start();
  }

  stop(): Promise<void> {
    return this.window.stop();
  }

  async status() {
    const s = await this.service.status();
    const next = this.window.nextStart();
    return { ...s, window: { enabled: this.deps.config.updates.enabled, cron: this.deps.config.updates.window, next: next ? next.toISOString() : null, open: this.window.isOpen } };
  }

  /**
   * Bundles verified here; apt's pending list from the helper (it refreshes the lists as root).
   * With updates.source "sysupdate" the release on the update server instead of bundles.
   */
  async check(): Promise<UpdateCheck> {
    const sysupdate = this.deps.config.updates.source === 'sysupdate';
    const bundles = sysupdate ? [] : await this.service.checkBundles();
    let apt: UpdateCheck['apt'] = null;
    if (this.deps.config.updates.apt.enabled) {
      try {
        apt = { ...(await this.deps.helper.call<AptCheck>('updates.apt-check', {}, { timeoutMs: APPLY_TIMEOUT_MS })), error: null };
      } catch (err) {
        apt = { pending: [], refreshed: false, error: { code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message } };
      }
    }
    const check: UpdateCheck = { checkedAt: new Date().toISOString(), running: (await this.service.running()).version, bundles, apt };
    if (sysupdate) check.sysupdate = await this.checkSystem();
    await this.service.saveCheck(check);
    return check;
  }

  applyBundle(options: { file?: string; force?: boolean; trigger: string }): Promise<ApplyResult> {
    const file = options.file ? path.basename(options.file) : null;
    return this.deps.helper.call<ApplyResult>('updates.bundle-apply', { file, force: options.force ?? false, trigger: options.trigger }, { timeoutMs: APPLY_TIMEOUT_MS });
  }

  applyApt(options: { trigger: string }): Promise<{ changes: PackageChange[]; historyId: number }> {
    return this.deps.helper.call('updates.apt-apply', { trigger: options.trigger }, { timeoutMs: APPLY_TIMEOUT_MS });
  }

  private async checkSystem(): Promise<NonNullable<UpdateCheck['sysupdate']>> {
    try {
      return { ...(await this.deps.helper.call<SysupdateCheck>('sysupdate.check', {}, { timeoutMs: APPLY_TIMEOUT_MS })), error: null };
    } catch (err) {
      return { available: null, current: null, error: { code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message } };
    }
  }

  /** Through the helper (root): systemd-sysupdate writes a partition and the ESP. */
  applySystem(options: { trigger: string; reboot: boolean }): Promise<SysupdateResult> {
    this.deps.logger.info('system update requested', { trigger: options.trigger, reboot: options.reboot });
    return this.deps.helper.call<SysupdateResult>('sysupdate.update', { version: null, reboot: options.reboot }, { timeoutMs: SYSUPDATE_UPDATE_TIMEOUT_MS + 60_000 });
  }

  /** The window: Debian's updates, then a pending bundle, each begun only before the deadline. */
  private async maintenance(deadline: Date): Promise<void> {
    const log = this.deps.logger;
    if (this.deps.config.updates.apt.enabled) {
      await this.applyApt({ trigger: 'window' }).catch((err) => log.error('apt updates in the window failed', { err, outcome: 'failed' }));
    }
    if (new Date() >= deadline) return;
    if (this.deps.config.updates.source === 'sysupdate') {
      // The window is when a reboot is allowed: the new slot is tried at once, and the boot
      // health check keeps it or falls back to the slot that runs now.
      await this.applySystem({ trigger: 'window', reboot: true }).catch((err) => log.error('system update in the window failed', { err, outcome: 'failed' }));
      return;
    }
    const pick = UpdateService.pick(await this.service.checkBundles().catch(() => []));
    if (!pick) return;
    await this.applyBundle({ file: pick.file, trigger: 'window' }).catch((err) => log.error('bundle update in the window failed', { err, outcome: 'failed' }));
  }
}
