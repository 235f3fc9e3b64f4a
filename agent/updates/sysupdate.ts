// The appliance's A/B updates through systemd-sysupdate (provisioning/sysupdate.d): what is
// newer on the update server, and installing it into the root slot not in use plus a counted
// UKI. Run by the privileged helper (sysupdate.check, sysupdate.update) with its argv runner:
// systemd-sysupdate writes partitions and the ESP, which only root may do. Boot counting and
// mailroom-health.service decide after the reboot whether the new slot stays.
// Debian keeps the binary out of PATH, so it is called by its full path.

import type { RunArgv } from '../helper/helper-command.js';
import { UpdateError } from './update-errors.js';

export const SYSUPDATE_BINARY = '/usr/lib/systemd/systemd-sysupdate';
/** Downloading a 2 GiB slot's image and writing it takes minutes on a slow line or disk. */
export const SYSUPDATE_UPDATE_TIMEOUT_MS = 60 * 60_000;
const CHECK_TIMEOUT_MS = 5 * 60_000;

/** Versions as sysupdate.d's @v matches them; also keeps anything odd off the argv. */
export const SYSUPDATE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;

export interface SysupdateCheck {
  /** The newest version on the server that is newer than the installed ones; null: none. */
  available: string | null;
  /** The version that runs (the booted slot's); null when sysupdate does not say. */
  current: string | null;
}

export interface SysupdateResult {
  /** What was installed; null when nothing newer was offered. */
  installed: string | null;
  /** A newer version is installed than the one booted: the next boot tries it. */
  rebootPending: boolean;
  /** The reboot was asked for (reboot: true and something installed). */
  rebooting: boolean;
}

function version(value: unknown): string | null {
  return typeof value === 'string' && SYSUPDATE_VERSION.test(value) ? value : null;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text.trim());
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * `check-new` answers {"available": VERSION|null} with --json; without JSON support it prints
 * the version, or nothing and exit 1 when there is none. `list --offline` names the current one.
 */
export async function sysupdateCheck(run: RunArgv, binary = SYSUPDATE_BINARY): Promise<SysupdateCheck> {
  const res = await run([binary, '--no-pager', '--json=short', 'check-new'], { timeoutMs: CHECK_TIMEOUT_MS, okExitCodes: [0, 1] });
  const json = parseJson(res.stdout);
  let available: string | null;
  if (json && 'available' in json) available = version(json.available);
  else if (res.exitCode === 0) available = version(res.stdout.trim().split('\n').at(-1)?.trim());
  else if (res.stderr.trim() === '') available = null; // "no candidate" is only a debug message
  else throw new UpdateError('sysupdate_failed', `systemd-sysupdate check-new failed: ${res.stderr.trim().split('\n').at(-1)}`);
  let current: string | null = null;
  try {
    const list = await run([binary, '--no-pager', '--json=short', '--offline', 'list'], { timeoutMs: CHECK_TIMEOUT_MS });
    current = version(parseJson(list.stdout)?.current);
  } catch {
    current = null; // an informational field: the check itself succeeded
  }
  return { available, current };
}

/**
 * `update [VERSION]`: the newest (or the given) version into the inactive slot, then the UKI
 * with its boot counter. `pending` then says whether a reboot would boot something newer.
 */
export async function sysupdateUpdate(run: RunArgv, options: { version?: string | null; reboot?: boolean }, binary = SYSUPDATE_BINARY): Promise<SysupdateResult> {
  if (options.version != null && !SYSUPDATE_VERSION.test(options.version)) throw new UpdateError('sysupdate_bad_version', `not a version: ${options.version}`);
  const before = await sysupdateCheck(run, binary);
  const target = options.version ?? before.available;
  if (!target) return { installed: null, rebootPending: await pending(run, binary), rebooting: false };
  await run([binary, '--no-pager', 'update', target], { timeoutMs: SYSUPDATE_UPDATE_TIMEOUT_MS });
  const rebootPending = await pending(run, binary);
  let rebooting = false;
  if (options.reboot && rebootPending) {
    // The reboot verb reboots only if a newer version than the booted one is installed.
    await run([binary, '--no-pager', 'reboot'], { timeoutMs: CHECK_TIMEOUT_MS });
    rebooting = true;
  }
  return { installed: target, rebootPending, rebooting };
}

/** `pending` exits 0 when a newer version than the booted one is installed, 77 when not. */
async function pending(run: RunArgv, binary: string): Promise<boolean> {
  const res = await run([binary, '--no-pager', 'pending'], { timeoutMs: CHECK_TIMEOUT_MS, okExitCodes: [0, 1, 77] });
  return res.exitCode === 0;
}
