// Sizes as people write them in config and on the command line: `60K`, `500M`, `2G`, or plain bytes.

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parses `60K`, `500M`, `2G`, `1048576`. Returns null for anything else. */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([BKMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNITS[m[2]!.toUpperCase()]!;
  const value = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(value) ? value : null;
}

/** Formats bytes the way parseSize reads them back, using the largest exact-ish unit. */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= factor) {
      const v = bytes / factor;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
    }
  }
  return String(bytes);
}
