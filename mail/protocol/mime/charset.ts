// Charset conversion to UTF-8 for headers and text parts. Mail declares charsets loosely
// (aliases, typos, "unknown-8bit", us-ascii with 8-bit bytes in it), so every lookup falls back
// to UTF-8 instead of failing: search text and display strings are best-effort, the stored
// bytes are never touched.

import iconv from 'iconv-lite';

export interface CharsetDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

// Labels that are real but that iconv-lite either lacks or that mean "we do not know"; UTF-8 is
// the most likely truth for 8-bit bytes in modern mail mislabelled as ASCII.
const ALIASES: Record<string, string> = {
  'us-ascii': 'utf8',
  ascii: 'utf8',
  'ansi_x3.4-1968': 'utf8',
  'unknown-8bit': 'utf8',
  'x-unknown': 'utf8',
  'x-user-defined': 'utf8',
  'iso-8859-8-i': 'iso-8859-8',
  'iso-8859-8-e': 'iso-8859-8',
};

/** The iconv-lite name for a declared charset, UTF-8 when unknown or absent. */
export function resolveCharset(declared: string | null | undefined): string {
  if (!declared) return 'utf8';
  let name = declared.trim().toLowerCase().replace(/^["']|["']$/g, '');
  name = ALIASES[name] ?? name;
  if (iconv.encodingExists(name)) return name;
  // "win-1252", "cp-1252", "windows1252": common misspellings of the windows code pages.
  const cp = /^(?:win|windows|cp)[-_]?(\d{3,4})$/.exec(name);
  if (cp && iconv.encodingExists(`windows-${cp[1]}`)) return `windows-${cp[1]}`;
  return 'utf8';
}

/** A streaming decoder: multi-byte characters split across write() calls are kept whole. */
export function createCharsetDecoder(declared: string | null | undefined): CharsetDecoder {
  const decoder = iconv.getDecoder(resolveCharset(declared) as Parameters<typeof iconv.getDecoder>[0]);
  return {
    write: (bytes) => decoder.write(bytes),
    end: () => decoder.end() ?? '',
  };
}

export function decodeCharset(bytes: Buffer, declared: string | null | undefined): string {
  return iconv.decode(bytes, resolveCharset(declared) as Parameters<typeof iconv.decode>[1]);
}
