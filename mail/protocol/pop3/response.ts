// POP3 status lines and multi-line responses. Pure. Response codes are RFC 2449's extended
// response codes: IN-USE, LOGIN-DELAY, plus RFC 3206's SYS/TEMP, SYS/PERM and AUTH; clients
// (fetchmail, Thunderbird) act on them, e.g. IN-USE means "try later", AUTH "ask the user".

export type Pop3RespCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH';

/** A status line that is never allowed to carry a CR or LF (it would end the line early). */
function clean(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export function okLine(text = ''): string {
  return text === '' ? '+OK\r\n' : `+OK ${clean(text)}\r\n`;
}

export function errLine(text: string, code?: Pop3RespCode): string {
  return `-ERR ${code ? `[${code}] ` : ''}${clean(text)}\r\n`;
}

/** The SASL continuation ("+ " and a base64 challenge, empty for PLAIN). */
export function continuationLine(challenge = ''): string {
  return `+ ${challenge}\r\n`;
}

/** A whole multi-line response from short lines (CAPA, LIST, UIDL): dot-stuffed and terminated. */
export function multiLine(status: string, lines: readonly string[]): string {
  const body = lines.map((l) => (l.startsWith('.') ? '.' + l : l) + '\r\n').join('');
  return okLine(status) + body + '.\r\n';
}
