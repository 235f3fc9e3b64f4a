// Parses what `apt-get -s upgrade` (a simulation) prints into the upgrades it would make, and
// `dpkg-query` output into installed versions. Pure: text in, values out. The lines that matter:
//   Inst libssl3 [3.0.15-1~deb12u1] (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
//   Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
//   Inst newpkg (1.0-1 Debian:12.15/stable [all])          a new package (no installed version)
//   Remv oldpkg [2.1-3]                                    a removal
// Conf lines repeat Inst lines and are skipped.

import type { PackageChange } from './update-history.js';

export interface PendingPackage {
  package: string;
  /** Installed version, null for a package the upgrade would newly install. */
  from: string | null;
  /** null for a removal. */
  to: string | null;
  /** Archives it comes from, e.g. ["Debian:12.15/oldstable", "Debian-Security:12/oldstable-security"]. */
  origins: string[];
  security: boolean;
  arch: string | null;
}

const INST = /^Inst (\S+) (?:\[([^\]]+)\] )?\((\S+) ([^[]*?)\s*(?:\[([^\]]+)\])?\)/;
const REMV = /^Remv (\S+)(?: \[([^\]]+)\])?/;

/** An origin from the security archive: "Debian-Security:12/stable-security", "...-security". */
export function isSecurityOrigin(origin: string): boolean {
  return /(^|[-\s])security\b/i.test(origin) || /-security$/.test(origin);
}

export function parseAptSimulation(text: string): PendingPackage[] {
  const out: PendingPackage[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const inst = INST.exec(line);
    if (inst) {
      const origins = inst[4]!.split(',').map((o) => o.trim()).filter(Boolean);
      out.push({ package: inst[1]!, from: inst[2] ?? null, to: inst[3]!, origins, security: origins.some(isSecurityOrigin), arch: inst[5] ?? null });
      continue;
    }
    const remv = REMV.exec(line);
    if (remv) out.push({ package: remv[1]!, from: remv[2] ?? null, to: null, origins: [], security: false, arch: null });
  }
  return out;
}

/** `dpkg-query -W -f '${binary:Package}\t${Version}\t${db:Status-Abbrev}\n'` -> installed versions. */
export function parseDpkgQuery(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [pkg, version, status] = line.split('\t');
    // "ii " installed; "rc " removed with config left, which is not installed.
    if (pkg && version && status?.startsWith('ii')) out.set(pkg, version);
  }
  return out;
}

/** What changed between two dpkg-query snapshots, sorted by package. */
export function diffInstalled(before: Map<string, string>, after: Map<string, string>): PackageChange[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const changes: PackageChange[] = [];
  for (const name of [...names].sort()) {
    const from = before.get(name) ?? null;
    const to = after.get(name) ?? null;
    if (from !== to) changes.push({ package: name, from, to });
  }
  return changes;
}

/** A Debian package name (optionally with ":arch"), safe to pass as one argv word to apt-get. */
export function isPackageName(name: string): boolean {
  return /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/.test(name);
}
