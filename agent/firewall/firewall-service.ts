// The firewall as the helper runs it: apply the ruleset rendered from the config (carrying the
// blocklist over), apply-with-confirm, block and unblock, show. One instance per helper process
// (ctx.shared), so the confirm timer lives in the root process and fires even when the agent or
// the panel that asked for the change has died.
//
// Apply-with-confirm keeps the table as it was before (nft's own text of it) and reverts to it
// when the deadline passes without a confirm. The previous ruleset is also written to
// firewall-pending.nft beside the helper's socket: a helper that restarts during the window finds it and reverts at
// once, so an unconfirmed change never outlives the helper. Operations are serialised: an apply
// racing a block must not lose the block.

import type { Logger } from '../../core/log.js';
import { HelperError } from '../helper/helper-command.js';
import type { FirewallPolicy } from './firewall-policy.js';
import { parseIpAddress } from './ip-address.js';
import { NftRunner, type BlockedEntry } from './nft-runner.js';
import { readRootOnlyFile, removeRootOnlyFile, writeRootOnlyFile } from './root-only-state-file.js';
import { BLOCKLIST_SET, FIREWALL_FAMILY, FIREWALL_TABLE, renderBlock, renderRemoval, renderRuleset, renderUnblock } from './ruleset-renderer.js';

const FOREVER = 10 * 365 * 86400;

export interface PendingChange { deadline: string; secondsLeft: number }

export interface FirewallState {
  active: boolean;
  /** nft's text of table inet mailroom, or null when it is not loaded. */
  ruleset: string | null;
  blocked: BlockedEntry[];
  pending: PendingChange | null;
  /** `nft -j list table inet mailroom` (the nftables array), or null. */
  json: unknown[] | null;
}

export interface ApplyResult { applied: true; pending: PendingChange | null; script: string }

export class FirewallService {
  private queue: Promise<unknown> = Promise.resolve();
  private pending: { previous: string | null; deadline: number; timer: NodeJS.Timeout } | null = null;

  constructor(private readonly options: { nft: NftRunner; pendingFile: string; logger: Logger; now?: () => number }) {}

  private now(): number { return (this.options.now ?? Date.now)(); }

  /** Runs `op` after every operation queued before it. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private pendingInfo(): PendingChange | null {
    if (!this.pending) return null;
    return { deadline: new Date(this.pending.deadline).toISOString(), secondsLeft: Math.max(0, Math.ceil((this.pending.deadline - this.now()) / 1000)) };
  }

  private withCarriedBlocks(policy: FirewallPolicy, blocked: BlockedEntry[]): FirewallPolicy {
    const carried = blocked.map((b) => ({
      ip: b.ip,
      timeoutSeconds: Math.max(1, Math.round(b.timeoutSeconds ?? FOREVER)),
      expiresSeconds: Math.max(1, Math.round(b.expiresSeconds ?? b.timeoutSeconds ?? FOREVER)),
    }));
    return { ...policy, blocked: [...carried, ...policy.blocked] };
  }

  /** Renders and checks without applying; returns the script. */
  check(policy: FirewallPolicy): Promise<string> {
    return this.serial(async () => {
      const script = renderRuleset(this.withCarriedBlocks(policy, await this.options.nft.blocked()));
      await this.options.nft.check(script);
      return script;
    });
  }

  /**
   * Applies the policy. With confirmSeconds, the ruleset in force before (before the first of
   * several unconfirmed applies) comes back by itself unless confirm() is called in time.
   */
  apply(policy: FirewallPolicy, confirmSeconds: number | null): Promise<ApplyResult> {
    return this.serial(async () => {
      const nft = this.options.nft;
      const script = renderRuleset(this.withCarriedBlocks(policy, await nft.blocked()));
      await nft.check(script);
      let previous: string | null = null;
      if (confirmSeconds !== null) {
        previous = this.pending ? this.pending.previous : await nft.tableText();
        this.writePendingFile(previous);
      }
      try {
        await nft.load(script);
      } catch (err) {
        if (confirmSeconds !== null && !this.pending) this.removePendingFile();
        throw err;
      }
      if (this.pending) clearTimeout(this.pending.timer);
      this.pending = null;
      if (confirmSeconds !== null) {
        const timer = setTimeout(() => { void this.serial(() => this.revertNow('confirm timeout')).catch((err: unknown) => this.options.logger.error('firewall revert failed', { err, outcome: 'failed' })); }, confirmSeconds * 1000);
        this.pending = { previous, deadline: this.now() + confirmSeconds * 1000, timer };
        this.options.logger.warn('firewall applied; reverts unless confirmed', { confirmSeconds, outcome: 'pending' });
      } else {
        this.removePendingFile();
        this.options.logger.info('firewall applied', { outcome: 'applied' });
      }
      return { applied: true, pending: this.pendingInfo(), script };
    });
  }

  /** Keeps the ruleset applied with a confirm timeout. */
  confirm(): Promise<{ confirmed: true }> {
    return this.serial(async () => {
      if (!this.pending) throw new HelperError('no_pending_change', 'no firewall change is waiting for confirmation (it was confirmed, or has already been reverted)');
      clearTimeout(this.pending.timer);
      this.pending = null;
      this.removePendingFile();
      this.options.logger.info('firewall change confirmed', { outcome: 'confirmed' });
      return { confirmed: true };
    });
  }

  /** Puts `previous` back (null: removes our table), keeping the blocks made meanwhile. */
  private async revertNow(reason: string): Promise<void> {
    const p = this.pending;
    if (p) clearTimeout(p.timer);
    this.pending = null;
    await this.restore(p ? p.previous : null, reason);
  }

  private async restore(previous: string | null, reason: string): Promise<void> {
    const nft = this.options.nft;
    const blocked = previous === null ? [] : await nft.blocked().catch(() => []);
    // nft's text of the old table lists the blocks of its time: they are replaced by today's.
    const blocks = previous === null ? '' : [
      ...Object.values(BLOCKLIST_SET).map((set) => `flush set ${FIREWALL_FAMILY} ${FIREWALL_TABLE} ${set}\n`),
      ...blocked.map((b) => renderBlock(b.ip, Math.max(1, Math.round(b.expiresSeconds ?? b.timeoutSeconds ?? FOREVER)))),
    ].join('');
    const script = renderRemoval() + (previous ?? '') + '\n' + blocks;
    await nft.load(script);
    this.removePendingFile();
    this.options.logger.warn('firewall change reverted', { reason, restored: previous === null ? 'no table' : 'previous ruleset', outcome: 'reverted' });
  }

  /** At helper start: an unconfirmed change left by a helper that stopped is reverted. */
  recoverAtStart(): Promise<boolean> {
    return this.serial(async () => {
      let text: string | null;
      try {
        // It is loaded as root: only a file the helper itself wrote, in a directory only it can
        // write, counts; checked on the open descriptors (root-only-state-file.ts).
        text = readRootOnlyFile(this.options.pendingFile);
      } catch (err) {
        this.options.logger.error('ignoring a pending firewall file the helper did not write', { file: this.options.pendingFile, err, outcome: 'refused' });
        return false;
      }
      if (text === null) return false;
      const previous = text.startsWith('# none\n') ? null : text;
      await this.restore(previous, 'helper restarted before confirmation');
      return true;
    });
  }

  block(ip: string, seconds: number): Promise<{ ip: string; seconds: number }> {
    const a = parseIpAddress(ip);
    return this.serial(async () => {
      if ((await this.options.nft.tableText()) === null) throw new HelperError('firewall_not_active', 'the firewall is not applied (run `mailroom firewall apply` first)');
      await this.options.nft.load(renderBlock(a.text, seconds));
      this.options.logger.info('source blocked', { ip: a.text, seconds, outcome: 'blocked' });
      return { ip: a.text, seconds };
    });
  }

  unblock(ip: string): Promise<{ ip: string; wasBlocked: boolean }> {
    const a = parseIpAddress(ip);
    return this.serial(async () => {
      const blocked = await this.options.nft.blocked();
      if ((await this.options.nft.tableText()) === null) throw new HelperError('firewall_not_active', 'the firewall is not applied');
      const wasBlocked = blocked.some((b) => b.ip === a.text);
      await this.options.nft.load(renderUnblock(a.text));
      this.options.logger.info('source unblocked', { ip: a.text, wasBlocked, outcome: 'unblocked' });
      return { ip: a.text, wasBlocked };
    });
  }

  show(): Promise<FirewallState> {
    return this.serial(async () => {
      const json = await this.options.nft.tableJson();
      const ruleset = json === null ? null : await this.options.nft.tableText();
      return { active: json !== null, ruleset, blocked: await this.options.nft.blocked(json), pending: this.pendingInfo(), json };
    });
  }

  /** Helper stopping: an unconfirmed change does not outlive it. */
  async dispose(): Promise<void> {
    if (this.pending) await this.serial(() => this.revertNow('helper stopping')).catch((err: unknown) => this.options.logger.error('firewall revert failed', { err }));
  }

  private writePendingFile(previous: string | null): void {
    writeRootOnlyFile(this.options.pendingFile, previous ?? '# none\n');
  }

  private removePendingFile(): void {
    removeRootOnlyFile(this.options.pendingFile);
  }
}
