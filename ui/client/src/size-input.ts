// A size as the panel puts it back into an input the API reads (users' and domains' quotas).

/** Bytes as the shortest exact size the API takes back ("10G", "500M"), else bytes. */
export function formatSizeInput(bytes: number): string {
  for (const [unit, size] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
