// Orders release versions ("1.2.3", "1.2.3-rc.1") the way semver does, so an older bundle is
// recognised as a downgrade. Pure.

const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function isReleaseVersion(value: string): boolean {
  return VERSION.test(value);
}

/** Negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const ma = VERSION.exec(a);
  const mb = VERSION.exec(b);
  if (!ma || !mb) throw new Error(`not a release version: ${!ma ? a : b}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const pa = ma[4];
  const pb = mb[4];
  // A pre-release sorts before its release.
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const xa = pa.split('.');
  const xb = pb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const ea = xa[i];
    const eb = xb[i];
    if (ea === undefined) return -1;
    if (eb === undefined) return 1;
    const na = /^\d+$/.test(ea);
    const nb = /^\d+$/.test(eb);
    if (na && nb) { const d = Number(ea) - Number(eb); if (d !== 0) return Math.sign(d); continue; }
    if (na !== nb) return na ? -1 : 1;
    if (ea !== eb) return ea < eb ? -1 : 1;
  }
  return 0;
}
