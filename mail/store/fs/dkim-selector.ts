// DKIM selector names: `mr<year><letters>` for a key generation, `-rsa` / `-ed` for its two keys
// (mr2026a-rsa, mr2026a-ed). Date-based so an admin reading DNS sees how old a key is; the
// letters make each generation unique, and a name is never reused, because resolvers and
// verifiers may still cache the old key under it. Pure.

export type DkimAlgorithm = 'rsa' | 'ed25519';

export const SELECTOR_SUFFIX: Record<DkimAlgorithm, string> = { rsa: '-rsa', ed25519: '-ed' };

/** a, b, ..., z, aa, ab, ...: the n-th (0-based) letter sequence. */
function letters(n: number): string {
  let out = '';
  let k = n + 1;
  while (k > 0) {
    k -= 1;
    out = String.fromCharCode(97 + (k % 26)) + out;
    k = Math.floor(k / 26);
  }
  return out;
}

/** The first generation name for `now`'s year that none of `used` (generations or selectors) starts. */
export function nextGeneration(now: Date, used: Iterable<string>): string {
  const taken = new Set<string>();
  for (const name of used) taken.add(generationOf(name));
  const prefix = `mr${now.getUTCFullYear()}`;
  for (let i = 0; ; i++) {
    const candidate = prefix + letters(i);
    if (!taken.has(candidate)) return candidate;
  }
}

export function selectorFor(generation: string, algorithm: DkimAlgorithm): string {
  return generation + SELECTOR_SUFFIX[algorithm];
}

/** `mr2026a-rsa` -> `mr2026a`; a generation name is returned as is. */
export function generationOf(selector: string): string {
  for (const suffix of Object.values(SELECTOR_SUFFIX)) if (selector.endsWith(suffix)) return selector.slice(0, -suffix.length);
  return selector;
}

/** A selector is a DNS label (RFC 6376 3.1); we only ever make lower-case ones. */
export function isValidSelector(selector: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(selector);
}
