// IMAP dates (RFC 9051 section 9): `date` for SEARCH (`1-Feb-2024`, optionally quoted) and
// `date-time` for APPEND (`"05-Mar-2024 14:07:09 +0100"`). SEARCH dates have no time or zone
// (RFC 9051 6.4.4: compared in the server's idea of the day), so they stay calendar dates here.

import { ImapErrorCode } from './errors.js';
import type { CommandCursor } from './command-cursor.js';

/** A calendar date; month is 1-12. */
export interface ImapDate {
  year: number;
  month: number;
  day: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const DATE = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/;
const DATE_TIME = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(year: number, monthName: string, day: number): ImapDate | null {
  const month = MONTHS.indexOf(monthName.toUpperCase()) + 1;
  if (month === 0 || day < 1 || day > daysIn(year, month)) return null;
  return { year, month, day };
}

/** `1-Feb-2024`; null when malformed. */
export function parseImapDate(text: string): ImapDate | null {
  const m = DATE.exec(text);
  if (!m) return null;
  return validDate(Number(m[3]), m[2]!, Number(m[1]));
}

/** `05-Mar-2024 14:07:09 +0100` (without the quotes) as an instant; null when malformed. */
export function parseImapDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const date = validDate(Number(m[3]), m[2]!, Number(m[1]!.trim()));
  const [hh, mm, ss, zh, zm] = [m[4], m[5], m[6], m[8], m[9]].map(Number) as [number, number, number, number, number];
  if (!date || hh > 23 || mm > 59 || ss > 60 || zm > 59) return null;
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (zh * 60 + zm);
  const utc = Date.UTC(date.year, date.month - 1, date.day, hh, mm, Math.min(ss, 59)) - offsetMinutes * 60_000;
  return new Date(utc);
}

/** Reads a SEARCH date, quoted or not. */
export function readSearchDate(cur: CommandCursor): ImapDate {
  const quoted = cur.peek() === 0x22;
  if (quoted) cur.expect('"');
  const text = cur.until([0x20, 0x22, 0x29]).toString('latin1');
  if (quoted) cur.expect('"');
  const date = parseImapDate(text);
  if (!date) cur.fail(`Invalid date "${text}"`, ImapErrorCode.dateInvalid);
  return date;
}

/** Reads APPEND's quoted date-time. */
export function readDateTime(cur: CommandCursor): Date {
  const text = cur.string('a date-time').toString('latin1');
  const date = parseImapDateTime(text);
  if (!date) cur.fail(`Invalid date-time "${text}"`, ImapErrorCode.dateInvalid);
  return date;
}

/** `1-Feb-2024` for the session's own use (e.g. logs). */
export function formatImapDate(d: ImapDate): string {
  return `${d.day}-${MONTH_NAMES[d.month - 1]}-${d.year}`;
}

/**
 * INTERNALDATE for responses: `"05-Mar-2024 14:07:09 +0100"` (with quotes) in the given offset
 * from UTC in minutes (the server's zone; default UTC).
 */
export function formatImapDateTime(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `"${pad(local.getUTCDate())}-${MONTH_NAMES[local.getUTCMonth()]}-${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}"`;
}
