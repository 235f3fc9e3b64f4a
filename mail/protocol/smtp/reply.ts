// SMTP replies as values, and their wire form. Pure.
//
// Every reply Mailroom itself words carries an RFC 3463 enhanced status code. The text is
// sanitised here because some of it echoes client input (addresses), and a CR or LF inside a
// reply would let a client split it into two.

export interface SmtpReply {
  /** Three-digit reply code (RFC 5321 4.2). */
  code: number;
  /** Enhanced status code `class.subject.detail` (RFC 3463), or null for none (greeting, EHLO, 354). */
  enhanced: string | null;
  /** One or more lines of text. */
  text: string | string[];
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;
/** Text that already starts with an enhanced status code. */
export const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3}( |$)/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;

function clean(line: string): string {
  return line.replace(CONTROL, ' ');
}

export function isValidReply(reply: SmtpReply): boolean {
  if (!Number.isInteger(reply.code) || reply.code < 200 || reply.code > 599) return false;
  if (reply.enhanced !== null) {
    if (!ENHANCED.test(reply.enhanced)) return false;
    if (reply.enhanced[0] !== String(reply.code)[0]) return false;
  }
  return true;
}

/** The text of a reply as one string, enhanced code first: `5.1.1 <a@b>: no such user here`. */
export function replyMessage(reply: SmtpReply): string {
  const lines = Array.isArray(reply.text) ? reply.text : [reply.text];
  const text = lines.map(clean).join(' ');
  return reply.enhanced ? `${reply.enhanced} ${text}`.trimEnd() : text;
}

/** The reply as it goes on the wire, CRLF-terminated; multi-line replies use `code-` continuations. */
export function formatReply(reply: SmtpReply): string {
  if (!isValidReply(reply)) throw new RangeError(`invalid SMTP reply ${reply.code} ${reply.enhanced}`);
  const lines = Array.isArray(reply.text) ? reply.text : [reply.text];
  const body = lines.length ? lines : [''];
  return body
    .map((line, i) => {
      const sep = i < body.length - 1 ? '-' : ' ';
      const prefix = reply.enhanced ? `${reply.code}${sep}${reply.enhanced} ` : `${reply.code}${sep}`;
      return (prefix + clean(line)).trimEnd() + '\r\n';
    })
    .join('');
}

/** Reply class: 2 success, 3 intermediate, 4 temporary failure, 5 permanent failure. */
export function replyClass(code: number): 2 | 3 | 4 | 5 {
  const c = Math.floor(code / 100);
  if (c === 2 || c === 3 || c === 4 || c === 5) return c;
  throw new RangeError(`invalid SMTP reply code ${code}`);
}

/** Parses one reply line: `250-PIPELINING` → { code: 250, final: false, text: 'PIPELINING' }. */
export function parseReplyLine(line: string): { code: number; final: boolean; text: string } | null {
  const m = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line.replace(/\r?\n$/, ''));
  if (!m) return null;
  return { code: Number(m[1]), final: m[2] !== '-', text: m[3] ?? '' };
}
