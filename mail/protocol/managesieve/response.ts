// ManageSieve responses (RFC 5804 section 1.3, 4): OK / NO / BYE with an optional response code
// in parentheses and an optional human-readable string; strings go quoted when they can, as a
// literal {N} when they hold a line break or a quote-unfriendly length. Pure.

export type ResponseStatus = 'OK' | 'NO' | 'BYE';

const QUOTED_MAX = 1024;

/** A string as the protocol sends it. */
export function encodeString(s: string): string {
  // eslint-disable-next-line no-control-regex -- line breaks and NUL force a literal
  if (s.length > QUOTED_MAX || /[\r\n\x00]/.test(s)) return `{${Buffer.byteLength(s)}}\r\n${s}`;
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/** `OK (CODE) "text"\r\n`; `code` may hold arguments (`TAG "x"`, `SASL "..."`). */
export function response(status: ResponseStatus, text?: string | null, code?: string | null): string {
  return `${status}${code ? ` (${code})` : ''}${text !== undefined && text !== null ? ' ' + encodeString(text) : ''}\r\n`;
}

/** The capability listing (RFC 5804 section 1.7), without the final OK. */
export function capabilityLines(capabilities: readonly [string, string | null][]): string {
  return capabilities.map(([name, value]) => `${encodeString(name)}${value !== null ? ' ' + encodeString(value) : ''}\r\n`).join('');
}
