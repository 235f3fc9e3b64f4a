// Escaping for XML text and attribute values. Characters XML 1.0 cannot carry at all (C0
// controls other than tab, LF, CR) are dropped rather than escaped.

export function xmlText(value: string): string {
  return value
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
