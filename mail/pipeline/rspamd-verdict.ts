// rspamd's action turned into a CheckResult. Pure.
//
//   reject                                   -> 554 5.7.1, nothing stored
//   soft reject                              -> 451 4.7.1 (the sender retries)
//   add header, rewrite subject,
//   and the custom quarantine / discard      -> Junk, with "X-Spam: Yes"
//   no action, greylist, anything else       -> the inbox
//
// "greylist" is only rspamd's score band for greylisting; the greylist module itself answers
// "soft reject" when it wants the sender to come back (which needs Redis), so the band alone
// delivers, as rspamd's own milter does. "discard" would drop the message silently: Mailroom
// never loses a message it acknowledged with 250, so it files it as Junk instead.
//
// Every scanned message gets X-Spam-Status (Yes/No and the score); Junk also gets "X-Spam: Yes",
// the field rspamd's own milter adds and that mail clients and Sieve scripts filter on. Such
// fields coming from the sender are removed so a forged "X-Spam-Status: No" cannot sit beside
// ours. Fields rspamd's milter_headers module asks for are added (and their old copies removed),
// and "rewrite subject" replaces the Subject with rspamd's (already RFC 2047 encoded) text.

import type { CheckResult } from './contracts.js';
import type { RspamdReply } from './rspamd-reply.js';

export const X_SPAM = 'X-Spam';
export const X_SPAM_STATUS = 'X-Spam-Status';

const JUNK_ACTIONS = new Set(['add header', 'rewrite subject', 'quarantine', 'discard']);
/** Symbols named in the log line's reason. */
const REASON_SYMBOLS = 8;
/** A field value from rspamd longer than this is cut (X-Spamd-Result of a message with hundreds of symbols). */
const MAX_FIELD_VALUE = 8 * 1024;
const MAX_REPLY_TEXT = 200;

export function rspamdVerdict(reply: RspamdReply): CheckResult {
  const score = reply.score.toFixed(2);
  const top = reply.symbols.filter((s) => s.score > 0).slice(0, REASON_SYMBOLS).map((s) => `${s.name}(${s.score.toFixed(2)})`);
  const reason = `rspamd: ${reply.action} score=${score}${top.length ? ' ' + top.join(' ') : ''}`;

  if (reply.action === 'reject') {
    const said = replyText(reply.smtpMessage);
    return { action: 'reject', code: 554, enhanced: '5.7.1', message: said ? `Spam message rejected: ${said}` : 'Spam message rejected', reason };
  }
  if (reply.action === 'soft reject') {
    const said = replyText(reply.smtpMessage);
    return { action: 'defer', code: 451, enhanced: '4.7.1', message: said ? `Try again later: ${said}` : 'Try again later', reason };
  }

  const junk = JUNK_ACTIONS.has(reply.action);
  const headers: [string, string][] = [];
  if (junk) headers.push([X_SPAM, 'Yes']);
  headers.push([X_SPAM_STATUS, `${junk ? 'Yes' : 'No'}, score=${score}`]);
  const drop = new Set([X_SPAM.toLowerCase(), X_SPAM_STATUS.toLowerCase()]);
  for (const name of reply.removeHeaders) if (isFieldName(name)) drop.add(name.toLowerCase());
  for (const [name, value] of reply.addHeaders) {
    // Ours are worded here; rspamd configured to add an X-Spam of its own would make two.
    if (!isFieldName(name) || isOurs(name)) continue;
    headers.push([name, fieldValue(value)]);
    drop.add(name.toLowerCase());
  }
  if (reply.action === 'rewrite subject' && reply.subject !== null && reply.subject.trim() !== '') {
    headers.push(['Subject', fieldValue(reply.subject)]);
    drop.add('subject');
  }
  const dropHeaders = [...drop];
  return junk ? { action: 'junk', reason, headers, dropHeaders } : { action: 'add-headers', headers, reason, dropHeaders };
}

function isOurs(name: string): boolean {
  const n = name.toLowerCase();
  return n === X_SPAM.toLowerCase() || n === X_SPAM_STATUS.toLowerCase();
}

/** RFC 5322 field name: printable ASCII except colon. */
function isFieldName(name: string): boolean {
  return /^[\x21-\x39\x3b-\x7e]{1,76}$/.test(name);
}

/**
 * A field value from rspamd made safe to write after "Name: ": no bare CR or LF (rspamd folds
 * with CRLF TAB; any line break becomes that), no other control characters, bounded length.
 */
export function fieldValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = value.slice(0, MAX_FIELD_VALUE).split(/\r\n|\r|\n/).map((l) => l.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ').trim()).filter((l) => l !== '');
  return lines.join('\r\n\t');
}

/** Text from rspamd for the SMTP reply: one line of printable ASCII. */
function replyText(text: string | null): string {
  if (!text) return '';
  return text.replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_REPLY_TEXT);
}
