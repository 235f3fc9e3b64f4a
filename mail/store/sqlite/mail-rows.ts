// Rows of the mail tables and their mapping to the contract types. Flags are stored as one
// space-separated string (IMAP flags and keywords cannot contain spaces); the MessageIndex as
// JSON, with its Date revived on the way out.

import type { Folder, MessageIndex, MessageSummary, StoredMessage, UserId } from '../contracts.js';

export interface FolderRow {
  id: number;
  user_id: string;
  name: string;
  special_use: string | null;
  uidvalidity: number;
  uidnext: number;
  highest_modseq: number;
  subscribed: number;
  messages: number;
  unseen: number;
  size: number;
}

export interface SummaryRow {
  uid: number;
  flags: string;
  internal_date: number;
  size: number;
  from_display: string | null;
  subject: string | null;
  date: number | null;
}

export interface MessageRow extends SummaryRow {
  modseq: number;
  blob_id: string;
  index_json: string;
  text: string | null;
}

export function encodeFlags(flags: readonly string[]): string {
  return [...new Set(flags.map((f) => f.trim()).filter((f) => f !== '' && !/\s/.test(f)))].join(' ');
}

export function decodeFlags(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}

export function toFolder(row: FolderRow): Folder {
  return {
    userId: row.user_id,
    mailboxId: mailboxIdOf(row.uidvalidity),
    name: row.name,
    specialUse: row.special_use,
    uidValidity: row.uidvalidity,
    uidNext: row.uidnext,
    highestModseq: row.highest_modseq,
    messages: row.messages,
    unseen: row.unseen,
    size: row.size,
    subscribed: row.subscribed === 1,
  };
}

export function toSummary(row: SummaryRow, folder: string): MessageSummary {
  return {
    uid: row.uid,
    folder,
    flags: decodeFlags(row.flags),
    internalDate: new Date(row.internal_date),
    size: row.size,
    from: row.from_display,
    subject: row.subject,
    date: row.date === null ? null : new Date(row.date),
  };
}

/** The index as stored: without its search text, which lives in the FTS table. */
export function serializeIndex(index: MessageIndex): string {
  return JSON.stringify({ ...index, searchText: undefined });
}

export function toStoredMessage(row: MessageRow, userId: UserId, folder: string): StoredMessage {
  const parsed = JSON.parse(row.index_json) as Omit<MessageIndex, 'date'> & { date: string | null };
  const index: MessageIndex = { ...parsed, date: parsed.date === null ? null : new Date(parsed.date), searchText: row.text ?? '' };
  return {
    userId,
    folder,
    uid: row.uid,
    modseq: row.modseq,
    flags: decodeFlags(row.flags),
    internalDate: new Date(row.internal_date),
    size: row.size,
    blobId: row.blob_id,
    index,
  };
}

/**
 * RFC 8474 MAILBOXID. UIDVALIDITY serves: the allocator (uid-validity.ts) hands out strictly
 * growing values across the whole store, so no two folders ever share one, and a rename keeps
 * it. Ids are "F" + digits, within RFC 8474's objectid syntax.
 */
export function mailboxIdOf(uidValidity: number): string {
  return `F${uidValidity}`;
}

/**
 * The name a folder is stored under. IMAP says INBOX is case-insensitive, and so is INBOX as the
 * first level of a child ("inbox/Lists" is "INBOX/Lists"); every other level is taken as
 * written. Names are kept in NFC, which Net-Unicode (RFC 5198) asks of IMAP mailbox names, so a
 * client that sends decomposed characters finds the same folder.
 */
export function normalizeFolderName(name: string): string {
  const nfc = name.normalize('NFC');
  const slash = nfc.indexOf('/');
  const first = slash === -1 ? nfc : nfc.slice(0, slash);
  // ASCII case only: "ınbox" (dotless i) upper-cases to INBOX too, but is not INBOX.
  return /^inbox$/i.test(first) ? `INBOX${nfc.slice(5)}` : nfc;
}
