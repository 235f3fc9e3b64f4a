// What a failed lookup of node's resolver means: the name does not exist, the name has no record
// of that type (both are answers, cacheable per RFC 2308), or anything else (the resolver failed:
// a temporary condition, never cached).

/** The name does not exist (NXDOMAIN). */
export function isNxDomain(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOTFOUND';
}

/** The name exists but has no record of the asked type. */
export function isNoData(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENODATA';
}
