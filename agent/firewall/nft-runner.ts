// The nft invocations the helper makes, each an argv array through the helper's runner; scripts
// go to `nft -f -` on stdin so no temporary file is needed. Parses `nft -j` output for the
// blocklist. Only our table (inet mailroom) is ever read or changed.

import type { RunArgv } from '../helper/helper-command.js';
import { HelperError } from '../helper/helper-command.js';
import { BLOCKLIST_SET, FIREWALL_FAMILY, FIREWALL_TABLE } from './ruleset-renderer.js';

export interface BlockedEntry { ip: string; timeoutSeconds: number | null; expiresSeconds: number | null }

const NFT_TIMEOUT_MS = 20_000;

export class NftRunner {
  constructor(private readonly run: RunArgv, private readonly nft = 'nft') {}

  /** Parses and checks the script in the kernel without committing it (nft -c). */
  async check(script: string): Promise<void> {
    await this.run([this.nft, '-c', '-f', '-'], { input: script, timeoutMs: NFT_TIMEOUT_MS }).catch((err: unknown) => { throw this.nftError('firewall_invalid', err); });
  }

  /** Applies the script as one transaction (nft -f): all of it or nothing. */
  async load(script: string): Promise<void> {
    await this.run([this.nft, '-f', '-'], { input: script, timeoutMs: NFT_TIMEOUT_MS }).catch((err: unknown) => { throw this.nftError('firewall_apply_failed', err); });
  }

  /** Our table as nft text, or null when it does not exist. */
  async tableText(): Promise<string | null> {
    const r = await this.run([this.nft, 'list', 'table', FIREWALL_FAMILY, FIREWALL_TABLE], { okExitCodes: [0, 1], timeoutMs: NFT_TIMEOUT_MS });
    return r.exitCode === 0 ? r.stdout : null;
  }

  /** Our table as nft's JSON (the `nftables` array), or null when it does not exist. */
  async tableJson(): Promise<unknown[] | null> {
    const r = await this.run([this.nft, '-j', 'list', 'table', FIREWALL_FAMILY, FIREWALL_TABLE], { okExitCodes: [0, 1], timeoutMs: NFT_TIMEOUT_MS });
    if (r.exitCode !== 0) return null;
    try {
      const parsed = JSON.parse(r.stdout) as { nftables?: unknown[] };
      return Array.isArray(parsed.nftables) ? parsed.nftables : [];
    } catch {
      throw new HelperError('firewall_show_failed', 'nft -j gave output that is not JSON');
    }
  }

  /** What the blocklist sets hold now (empty when the table does not exist). */
  async blocked(json?: unknown[] | null): Promise<BlockedEntry[]> {
    return blockedFromJson(json === undefined ? await this.tableJson() : json);
  }

  private nftError(code: string, err: unknown): Error {
    if (err instanceof HelperError && err.code === 'process_failed') return new HelperError(code, err.message.replace(/^nft failed: /, 'nft: '), { cause: err });
    return err as Error;
  }
}

/** Elements of blocklist4/blocklist6 in `nft -j list table` output. */
export function blockedFromJson(json: unknown[] | null): BlockedEntry[] {
  const out: BlockedEntry[] = [];
  for (const item of json ?? []) {
    const set = (item as { set?: { name?: string; elem?: unknown[] } }).set;
    if (!set || (set.name !== BLOCKLIST_SET[4] && set.name !== BLOCKLIST_SET[6])) continue;
    for (const e of set.elem ?? []) {
      if (typeof e === 'string') { out.push({ ip: e, timeoutSeconds: null, expiresSeconds: null }); continue; }
      const inner = (e as { elem?: { val?: unknown; timeout?: unknown; expires?: unknown } }).elem;
      if (inner && typeof inner.val === 'string') {
        out.push({ ip: inner.val, timeoutSeconds: typeof inner.timeout === 'number' ? inner.timeout : null, expiresSeconds: typeof inner.expires === 'number' ? inner.expires : null });
      }
    }
  }
  return out;
}
