// The typed commands the parser produces: one member of ImapCommand per command of IMAP4rev2,
// IMAP4rev1 and the extensions Mailroom advertises. Mailbox names are already decoded to
// Unicode (see mailbox-name.ts) and INBOX is spelt `INBOX`; keywords are upper-cased; flags keep
// their case except system flags, which are canonical (`\Seen`).

import type { ImapDate } from './imap-date.js';
import type { SequenceSet } from './sequence-set.js';

export type { ImapDate } from './imap-date.js';
export type { SequenceSet, SeqRange, SeqNumber } from './sequence-set.js';

/** `<offset.length>` of a partial fetch. */
export interface FetchPartial {
  offset: number;
  length: number;
}

/** BODY[section]: `part` is the dotted part path (empty for the whole message). */
export interface BodySection {
  part: number[];
  /** The section text after the part path, if any. */
  text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Field names for HEADER.FIELDS[.NOT], as the client wrote them (the response echoes them). */
  fields?: string[];
}

export type SimpleFetchAttribute =
  | 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE'
  /** Non-extensible BODYSTRUCTURE. */
  | 'BODY'
  | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'
  | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE' | 'PREVIEW';

export type FetchItem =
  | { kind: 'attribute'; name: SimpleFetchAttribute }
  | { kind: 'body'; peek: boolean; section: BodySection; partial?: FetchPartial }
  | { kind: 'binary'; peek: boolean; part: number[]; partial?: FetchPartial }
  | { kind: 'binarySize'; part: number[] };

/** Flag-changing operation of STORE. */
export type StoreOperation = 'replace' | 'add' | 'remove';

export type StatusItem =
  | 'MESSAGES' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'RECENT'
  | 'HIGHESTMODSEQ' | 'APPENDLIMIT' | 'MAILBOXID';

export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

export type SearchFlagKey =
  | 'ALL' | 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'SEEN'
  | 'UNANSWERED' | 'UNDELETED' | 'UNDRAFT' | 'UNFLAGGED' | 'UNSEEN'
  /** IMAP4rev1 only (\Recent is gone from IMAP4rev2). */
  | 'NEW' | 'OLD' | 'RECENT';

export type SearchTextKey = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';
export type SearchDateKey = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

export type SearchKey =
  | { key: SearchFlagKey }
  | { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { key: SearchTextKey; value: string }
  | { key: 'HEADER'; field: string; value: string }
  | { key: SearchDateKey; date: ImapDate }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  /** RFC 5032 WITHIN: OLDER/YOUNGER than this many seconds. */
  | { key: 'OLDER' | 'YOUNGER'; seconds: number }
  | { key: 'UID'; set: SequenceSet }
  /** A bare sequence set. */
  | { key: 'SEQUENCE'; set: SequenceSet }
  | { key: 'NOT'; criterion: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  /** A parenthesised list: every criterion must match. */
  | { key: 'AND'; criteria: SearchKey[] }
  /** RFC 7162: MODSEQ [entry-name entry-type-req] mod-sequence-valzer. */
  | { key: 'MODSEQ'; modSeq: bigint; entry?: { name: string; type: 'priv' | 'shared' | 'all' } }
  /** RFC 8474 OBJECTID. */
  | { key: 'EMAILID' | 'THREADID'; id: string };

export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

export interface SortCriterion {
  key: SortKey;
  reverse: boolean;
}

export interface ListReturnOptions {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  /** LIST-STATUS (RFC 5819): the STATUS items to return for each listed mailbox. */
  status?: StatusItem[];
}

export interface QresyncParams {
  uidValidity: number;
  modSeq: bigint;
  knownUids?: SequenceSet;
  /** Known sequence numbers and the UIDs they had (RFC 7162 3.2.5.2). */
  seqMatch?: { sequences: SequenceSet; uids: SequenceSet };
}

interface Tagged {
  tag: string;
}

/** Commands with no arguments. */
export type SimpleCommandName =
  | 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'NAMESPACE' | 'IDLE' | 'CLOSE' | 'UNSELECT' | 'CHECK';

export type ImapCommand =
  | (Tagged & { name: SimpleCommandName })
  | (Tagged & { name: 'AUTHENTICATE'; mechanism: string; initialResponse?: string })
  | (Tagged & { name: 'LOGIN'; username: string; password: string })
  | (Tagged & { name: 'ENABLE'; capabilities: string[] })
  | (Tagged & { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync?: QresyncParams })
  | (Tagged & { name: 'CREATE'; mailbox: string; specialUse: string[] })
  | (Tagged & { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT'; mailbox: string })
  | (Tagged & { name: 'RENAME'; from: string; to: string })
  | (Tagged & {
      name: 'LIST';
      reference: string;
      patterns: string[];
      /** Upper-cased selection options (SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE, ...). */
      selectionOptions: string[];
      returnOptions: ListReturnOptions;
      /** Sent with LIST-EXTENDED syntax (selection options, several patterns or RETURN). */
      extended: boolean;
    })
  | (Tagged & { name: 'LSUB'; reference: string; pattern: string })
  | (Tagged & { name: 'STATUS'; mailbox: string; items: StatusItem[] })
  | (Tagged & {
      name: 'APPEND';
      mailbox: string;
      flags: string[];
      internalDate?: Date;
      /** The message literal; its octets arrive as appendLiteralChunk events. */
      message: { size: number; binary: boolean; synchronizing: boolean };
    })
  | (Tagged & { name: 'EXPUNGE'; uid: false })
  | (Tagged & { name: 'EXPUNGE'; uid: true; sequenceSet: SequenceSet })
  | (Tagged & {
      name: 'SEARCH';
      uid: boolean;
      charset?: string;
      criteria: SearchKey[];
      /** ESEARCH (RFC 4731 / RFC 9051): present when RETURN was given; [] means `RETURN ()` (= ALL). */
      returnOptions?: SearchReturnOption[];
    })
  | (Tagged & {
      name: 'SORT';
      uid: boolean;
      sortCriteria: SortCriterion[];
      charset: string;
      criteria: SearchKey[];
      returnOptions?: SearchReturnOption[];
    })
  | (Tagged & { name: 'THREAD'; uid: boolean; algorithm: string; charset: string; criteria: SearchKey[] })
  | (Tagged & {
      name: 'FETCH';
      uid: boolean;
      sequenceSet: SequenceSet;
      items: FetchItem[];
      /** Which macro the items came from, if any (ALL, FAST, FULL). */
      macro?: 'ALL' | 'FAST' | 'FULL';
      modifiers: { changedSince?: bigint; vanished: boolean };
    })
  | (Tagged & {
      name: 'STORE';
      uid: boolean;
      sequenceSet: SequenceSet;
      operation: StoreOperation;
      silent: boolean;
      flags: string[];
      unchangedSince?: bigint;
    })
  | (Tagged & { name: 'COPY' | 'MOVE'; uid: boolean; sequenceSet: SequenceSet; mailbox: string })
  | (Tagged & { name: 'GETQUOTA'; root: string })
  | (Tagged & { name: 'SETQUOTA'; root: string; limits: { resource: string; limit: bigint }[] })
  /** null: `ID NIL`. Field names as sent; values may be null (NIL). */
  | (Tagged & { name: 'ID'; params: Array<[string, string | null]> | null })
  | (Tagged & { name: 'COMPRESS'; mechanism: string });

export type ImapCommandName = ImapCommand['name'];

/** The member of ImapCommand with this name. */
// Distributive, so a member whose name is a union (SELECT | EXAMINE, COPY | MOVE) yields its
// shape narrowed to N rather than `never` (Extract would test the whole union against N).
export type CommandOf<N extends ImapCommandName> = ImapCommand extends infer C
  ? C extends { name: infer M } ? (N extends M ? C & { name: N } : never) : never
  : never;

/** What the parser needs to know about the session. */
export interface ParseContext {
  /** IMAP4rev2 or UTF8=ACCEPT enabled: mailbox names are UTF-8, not modified UTF-7. */
  utf8Enabled: boolean;
}
