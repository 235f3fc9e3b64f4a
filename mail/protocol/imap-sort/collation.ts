// The comparators RFC 5256 and RFC 5957 sort strings with.
//
// i;ascii-casemap (RFC 4790): ASCII letters compare as upper case, every other character as
// itself. i;unicode-casemap (RFC 5051), which DISPLAYFROM and DISPLAYTO use, folds case and
// decomposes compatibility forms (titlecase, then NFKD); JavaScript's full-Unicode upper-casing
// plus NFKD orders the same in all but the rarest title-case corners.

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

export function compareAsciiCasemap(a: string, b: string): number {
  return compareCodeUnits(asciiUpper(a), asciiUpper(b));
}

/** The key i;unicode-casemap compares; compute once per message, then compare with compareKeys. */
export function unicodeCasemapKey(s: string): string {
  return s.toUpperCase().normalize('NFKD');
}

/** The key i;ascii-casemap compares. */
export function asciiCasemapKey(s: string): string {
  return asciiUpper(s);
}

/** Compares two precomputed keys octet-wise (UTF-16 code units, the same order for the BMP). */
export function compareKeys(a: string, b: string): number {
  return compareCodeUnits(a, b);
}
