// Debian's updates through apt. Checking refreshes the package lists and simulates an upgrade;
// applying installs either only the packages whose new version comes from the security archive
// (updates.apt.securityOnly, the default) or every upgrade, non-interactively and keeping the
// admin's config files; the report is the difference in installed versions before and after.
// Every command is an argv array handed to a runner: on the appliance the privileged helper
// runs them as root, in tests a fake stands in.

import { lastLine, type CommandRunner } from './command-runner.js';
import { diffInstalled, isPackageName, parseAptSimulation, parseDpkgQuery, type PendingPackage } from './apt-simulate.js';
import { UpdateError } from './update-errors.js';
import type { PackageChange } from './update-history.js';

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
const DPKG_OPTIONS = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

export const APT_COMMANDS = {
  update: ['apt-get', '-q', 'update'],
  // NoLocking: the simulation reads only; it then also works without root.
  simulate: ['apt-get', '-s', '-q', '-o', 'Debug::NoLocking=1', 'upgrade'],
  installed: ['dpkg-query', '-W', '-f=${binary:Package}\t${Version}\t${db:Status-Abbrev}\n'],
  upgradeAll: ['apt-get', '-y', '-q', ...DPKG_OPTIONS, 'upgrade'],
  upgradeOnly: (packages: readonly string[]) => ['apt-get', '-y', '-q', ...DPKG_OPTIONS, 'install', '--only-upgrade', '--', ...packages],
} as const;

async function run(runner: CommandRunner, argv: readonly string[]): Promise<string> {
  let result;
  try {
    result = await runner(argv, { env: APT_ENV });
  } catch (err) {
    throw new UpdateError('apt_failed', `${argv[0]} could not be started: ${(err as Error).message}`, { cause: err });
  }
  if (result.code !== 0) throw new UpdateError('apt_failed', `${argv.slice(0, 3).join(' ')} failed (exit ${result.code}): ${lastLine(result.stderr) || lastLine(result.stdout)}`);
  return result.stdout;
}

export interface AptCheck {
  pending: PendingPackage[];
  /** True when the package lists were refreshed first (that needs root). */
  refreshed: boolean;
}

/** The upgrades apt would make now. `refresh` runs apt-get update first. */
export async function checkApt(runner: CommandRunner, options: { refresh: boolean }): Promise<AptCheck> {
  if (options.refresh) await run(runner, APT_COMMANDS.update);
  const pending = parseAptSimulation(await run(runner, APT_COMMANDS.simulate));
  return { pending, refreshed: options.refresh };
}

export interface AptApplyResult {
  changes: PackageChange[];
  /** What was asked for: the security packages, or every upgrade. */
  requested: string[];
}

export async function applyApt(runner: CommandRunner, options: { securityOnly: boolean; refresh: boolean }): Promise<AptApplyResult> {
  const { pending } = await checkApt(runner, { refresh: options.refresh });
  const wanted = pending.filter((p) => p.to !== null && (!options.securityOnly || p.security)).map((p) => p.package);
  if (wanted.length === 0) return { changes: [], requested: [] };
  const bad = wanted.find((p) => !isPackageName(p));
  if (bad) throw new UpdateError('apt_failed', `apt reported a package name that is not one: ${JSON.stringify(bad)}`);
  const before = parseDpkgQuery(await run(runner, APT_COMMANDS.installed));
  let failure: unknown = null;
  try {
    await run(runner, options.securityOnly ? APT_COMMANDS.upgradeOnly(wanted) : APT_COMMANDS.upgradeAll);
  } catch (err) {
    failure = err;
  }
  // Even a failed upgrade may have changed packages: the report says what it did.
  const after = parseDpkgQuery(await run(runner, APT_COMMANDS.installed));
  const changes = diffInstalled(before, after);
  if (failure) {
    const e = failure as UpdateError;
    throw new UpdateError('apt_failed', `${e.message}${changes.length ? ` (${changes.length} package(s) changed before it failed)` : ''}`, { cause: { error: e, changes } });
  }
  return { changes, requested: wanted };
}
