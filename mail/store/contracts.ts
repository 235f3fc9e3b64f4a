// The store's contracts. Sessions, delivery and the CLI see only these interfaces; the embedded
// implementation (SQLite + message files) lives in store/sqlite and store/fs. A scale-out
// implementation (PostgreSQL for metadata, an S3-compatible object store for bodies, a change
// feed across nodes) implements the same interfaces, which is why every method is async even
// though better-sqlite3 is not.

import type { Readable } from 'node:stream';
import type { MessageIndex } from '../protocol/mime/types.js';

export type { MessageIndex } from '../protocol/mime/types.js';

/** Opaque, stable id of a mail account (not its address, which can be renamed). */
export type UserId = string;

export interface Domain {
  name: string; // lower-case, IDNA A-label
  createdAt: Date;
}

export interface User {
  id: UserId;
  address: string; // lower-case local@domain
  /** Bytes allowed in all folders together; null = unlimited. */
  quota: number | null;
  createdAt: Date;
  /** Set while the account is disabled: no login (SMTP AUTH, IMAP, POP3); its mail is still accepted. */
  disabledAt?: Date | null;
}

export interface Alias {
  /** `local@domain`, or `@domain` for a catch-all. */
  address: string;
  /** Addresses the alias delivers to, in order; each a user or another alias. */
  targets: string[];
}

/** What an envelope recipient means to this server. */
export type Resolution =
  /** Delivered to these mailboxes (aliases expanded, duplicates removed). */
  | { kind: 'mailboxes'; users: User[] }
  /** One of our domains, but no user, alias or catch-all takes it. */
  | { kind: 'unknown' }
  /** Not one of our domains. */
  | { kind: 'foreign' };

/** Domains, accounts and aliases. */
export interface Directory {
  addDomain(name: string): Promise<Domain>;
  /** Refuses (ConflictError) while users or aliases still belong to the domain. */
  removeDomain(name: string): Promise<void>;
  listDomains(): Promise<Domain[]>;
  isLocalDomain(name: string): Promise<boolean>;

  /** Validates the address, domain and password strength; hashes the password. */
  addUser(address: string, password: string, options?: { quota?: number | null }): Promise<User>;
  removeUser(address: string): Promise<User>;
  getUser(address: string): Promise<User | null>;
  getUserById(id: UserId): Promise<User | null>;
  listUsers(domain?: string): Promise<User[]>;
  setPassword(address: string, password: string): Promise<void>;
  setQuota(address: string, quota: number | null): Promise<void>;
  /** The user when the password is right, else null. Constant work whether or not the user exists. */
  verifyPassword(address: string, password: string): Promise<User | null>;
  /**
   * SCRAM-SHA-256 keys of the account (`iterations$salt$storedKey$serverKey`, see
   * mail/auth/scram-sha256.ts), or null when there is no such user or it has none yet.
   */
  getScramCredentials(address: string): Promise<{ user: User; scram: string } | null>;
  /**
   * Disables or enables an account's logins. verifyPassword and getScramCredentials then answer
   * null (as for a wrong password); delivery is unchanged. NotFoundError('unknown_user').
   */
  setDisabled(address: string, disabled: boolean): Promise<User>;

  addAlias(address: string, targets: string[]): Promise<Alias>;
  removeAlias(address: string): Promise<void>;
  listAliases(domain?: string): Promise<Alias[]>;

  /** Resolves an envelope recipient: user, alias (recursively, loops cut), catch-all. */
  resolve(address: string): Promise<Resolution>;

  // --- Quotas beyond the account's own (mail/delivery/quota.ts enforces them).
  /** Bytes all of the domain's users may hold together; null = unlimited. NotFoundError('unknown_domain'). */
  getDomainQuota(name: string): Promise<number | null>;
  setDomainQuota(name: string, quota: number | null): Promise<void>;
  /** Records the quota warning level (0, 80, 95) of an account and returns the one before, in one step. */
  swapQuotaWarningLevel(userId: UserId, level: number): Promise<number>;
}

/** The folders every account has, with their RFC 6154 special-use attribute. */
export const STANDARD_FOLDERS = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
] as const;

export interface Folder {
  userId: UserId;
  /** RFC 8474 MAILBOXID: stable across renames, never reused for another folder. */
  mailboxId: string;
  name: string; // full name, "/" as hierarchy separator; INBOX is always "INBOX"
  specialUse: string | null;
  uidValidity: number; // never changes while the folder exists
  uidNext: number;
  highestModseq: number;
  messages: number;
  unseen: number;
  size: number; // bytes of all messages
  subscribed: boolean;
}

/** One message as a folder holds it. The body is shared; flags and UID are per folder copy. */
export interface StoredMessage {
  userId: UserId;
  folder: string;
  uid: number;
  modseq: number;
  flags: string[]; // system flags (\Seen ...) and keywords
  internalDate: Date;
  size: number;
  blobId: string;
  /** Everything IMAP needs, computed once at delivery. */
  index: MessageIndex;
}

/** A lighter row for listings (`mailroom mail ls`, IMAP FETCH of flags). */
export interface MessageSummary {
  uid: number;
  folder: string;
  flags: string[];
  internalDate: Date;
  size: number;
  from: string | null; // the From header, decoded for display
  subject: string | null; // decoded for display
  date: Date | null; // the Date header
}

/**
 * The least a download protocol (POP3) needs of one message, read in one cheap query: no index,
 * no headers. `uniqueId` is stable for the life of the message in this folder and never reused
 * for another message (it includes the folder's UIDVALIDITY), which is what UIDL promises.
 */
export interface MessageRef {
  uid: number;
  size: number;
  blobId: string;
  uniqueId: string;
}

export interface DeliveryTarget {
  userId: UserId;
  folder?: string; // default INBOX
  flags?: string[];
}

export interface DeliveryReceipt {
  id: string;
  size: number;
  blobId: string;
  delivered: { userId: UserId; folder: string; uid: number }[];
}

/**
 * One inbound message for one or more local mailboxes: begin, add recipients, stream the body,
 * commit or abort. The body is written once (one file for any number of recipients) and indexed
 * as it streams. commit() resolves only when the body and every index entry are durable; after
 * abort() nothing of the message remains.
 */
export interface DeliveryTransaction {
  /** Queue id, shown in logs and in the 250 reply. */
  readonly id: string;
  addRecipient(target: DeliveryTarget): void;
  /** Streams the whole message (headers included) into the store. Call once. */
  writeBody(body: AsyncIterable<Buffer | string>): Promise<{ size: number }>;
  commit(): Promise<DeliveryReceipt>;
  abort(): Promise<void>;
}

/** Something changed in a user's mailbox; how IMAP IDLE and other sessions hear of it. */
export interface MailboxChange {
  userId: UserId;
  folder: string;
  kind: 'exists' | 'flags' | 'expunge' | 'folder';
  uids: number[];
  modseq: number;
}

/** What a session tracks of one message in a selected folder. */
export interface MessageFlags {
  uid: number;
  modseq: number;
  flags: string[];
}

/** A folder as SELECT sees it: its counters and every message's UID, MODSEQ and flags, in UID order. */
export interface FolderView {
  folder: Folder;
  messages: MessageFlags[];
  /** The same messages as columns; what sessions keep (SELECT of a large folder copies nothing). */
  table: FolderMessageTable;
}

/**
 * A folder's messages as columns, in UID order. Immutable once handed out, so a store may give
 * one table to every session of the folder; message i has UID uids[i], MODSEQ modseqs[i] and
 * the flags flagSets[flagIds[i]] (frozen arrays: never change them).
 */
export interface FolderMessageTable {
  readonly count: number;
  readonly uids: Uint32Array;
  readonly modseqs: Float64Array;
  readonly flagIds: Uint32Array;
  readonly flagSets: readonly (readonly string[])[];
  /** Keywords the messages carry, in order of first use by UID. */
  readonly keywords: readonly string[];
  /** Index of the first message without \Seen, or -1. */
  readonly firstUnseen: number;
}

/** What changed in a folder after a MODSEQ (CONDSTORE FETCH CHANGEDSINCE, QRESYNC). */
export interface FolderChanges {
  /** Messages whose MODSEQ is above `since`, in UID order. */
  changed: MessageFlags[];
  /** UIDs expunged with a MODSEQ above `since`, ascending. */
  vanished: number[];
  highestModseq: number;
}

/** Where COPY or MOVE put the messages (RFC 4315 COPYUID). */
export interface CopyResult {
  /** UIDVALIDITY of the destination. */
  uidValidity: number;
  /** [source UID, destination UID], in source UID order; UIDs not in the source are left out. */
  pairs: Array<[number, number]>;
}

/** How STORE changes flags. */
export type FlagOperation = 'add' | 'remove' | 'replace';

export interface SetFlagsResult {
  /** Messages whose flags changed (new MODSEQ each), in UID order. */
  changed: MessageFlags[];
  /** UIDs not changed because their MODSEQ was above `unchangedSince` (RFC 7162 MODIFIED). */
  conflicts: number[];
}

/**
 * A search over one folder, in the store's terms: UIDs rather than sequence numbers (the
 * session translates), flags by name, dates as instants (the session computes day bounds in the
 * time zone the RFC asks for). Text matching is case-insensitive substring matching as RFC 9051
 * asks; the embedded store answers TEXT, BODY and the address fields from its FTS5 index.
 */
export type SearchCriterion =
  | { kind: 'all' }
  | { kind: 'uids'; uids: ReadonlyArray<number | [number, number]> }
  | { kind: 'flag'; flag: string; set: boolean }
  /** Header fields, the body only, or both (TEXT). `field` for kind header is matched case-insensitively. */
  | { kind: 'text'; where: 'text' | 'body' | 'subject' | 'from' | 'to' | 'cc' | 'bcc'; value: string }
  | { kind: 'header'; field: string; value: string }
  /** INTERNALDATE ('internal') or the Date header ('sent'), half-open [from, to). */
  | { kind: 'date'; which: 'internal' | 'sent'; from?: Date; to?: Date }
  | { kind: 'size'; larger?: number; smaller?: number }
  | { kind: 'modseq'; atLeast: number }
  /** RFC 8474 EMAILID: "M" + the message's blobId (copies and moves of a message share it). */
  | { kind: 'emailId'; id: string }
  | { kind: 'not'; criterion: SearchCriterion }
  | { kind: 'or'; left: SearchCriterion; right: SearchCriterion }
  | { kind: 'and'; criteria: SearchCriterion[] };

/** Folder operations refuse with these codes (on NotFoundError, ConflictError or InputError). */
export const FolderErrorCode = {
  notFound: 'folder_not_found',
  exists: 'folder_exists',
  /** DELETE of a folder that has children (RFC 5530 HASCHILDREN). */
  hasChildren: 'folder_has_children',
  /** DELETE of INBOX, or RENAME onto INBOX. */
  protected: 'folder_protected',
  invalidName: 'folder_name_invalid',
  /** A copy or move would exceed the account's quota. */
  overQuota: 'over_quota',
  /** CREATE or RENAME past a limit of the store: too many folders for the account (RFC 5530 LIMIT). */
  limit: 'folder_limit',
  /** CREATE with a special-use attribute the store does not support (RFC 6154 USEATTR). */
  invalidSpecialUse: 'folder_special_use_invalid',
  /** MOVE onto the folder the messages are in. */
  sameFolder: 'folder_same',
  /** STORE with a malformed flag keyword or an unknown system flag. */
  invalidFlag: 'flag_invalid',
} as const;

export interface MailStore {
  /** Creates the standard folders for a new account (idempotent). */
  createMailbox(userId: UserId): Promise<void>;
  /** Removes the account's folders and messages (bodies go when nothing refers to them). */
  deleteMailbox(userId: UserId): Promise<void>;

  beginDelivery(options?: { internalDate?: Date }): DeliveryTransaction;

  listFolders(userId: UserId): Promise<Folder[]>;
  getFolder(userId: UserId, name: string): Promise<Folder | null>;
  listMessages(userId: UserId, folder: string): Promise<MessageSummary[]>;
  /** uid, size, body id and a stable unique id of every message in the folder, in UID order. */
  listMessageRefs(userId: UserId, folder: string): Promise<MessageRef[]>;
  getMessage(userId: UserId, folder: string, uid: number): Promise<StoredMessage | null>;
  /** The raw RFC 5322 bytes, or a byte range of them (end exclusive). */
  openMessage(blobId: string, range?: { start: number; end?: number }): Readable;
  /** Bytes and messages in all of the account's folders. */
  usage(userId: UserId): Promise<{ bytes: number; messages: number }>;

  /**
   * Removes these messages from the folder durably, in one transaction (counters, MODSEQ, body
   * references); bodies no copy refers to any more are deleted after the commit. UIDs that are
   * not (or no longer) in the folder are ignored. Publishes one 'expunge' change with the UIDs
   * removed. Returns how many were removed.
   */
  expunge(userId: UserId, folder: string, uids: readonly number[]): Promise<number>;

  // --- What IMAP needs beyond delivery. Every change below is one transaction, bumps the
  // folder's HIGHESTMODSEQ, and publishes a MailboxChange after the commit; a call that changes
  // nothing (a STORE of flags already set, a COPY of unknown UIDs) bumps and publishes nothing.
  // Refusals are typed errors with a FolderErrorCode: NotFoundError(notFound) for a folder that
  // does not exist, InputError for bad names and flags, ConflictError for clashes and quota.
  // Names: "/" separates levels; INBOX is case-insensitive, also as the first level of a child.
  // Reads of a folder that does not exist return null or [] (folderChanges throws notFound).

  /**
   * Creates a folder and any missing parents ("a/b/c" creates "a" and "a/b"), each with a new
   * UIDVALIDITY. Refuses: ConflictError(exists); InputError(invalidName) for an empty name, an
   * empty level ("a//b", "/a", "a/": strip CREATE's one trailing "/" first), control characters,
   * "*" or "%", more than 255 characters or 16 levels; InputError(limit) past 1000 folders per
   * account; InputError(invalidSpecialUse) for a special-use other than \Archive \Drafts \Junk
   * \Sent \Trash. Publishes 'folder' for each folder created.
   */
  createFolder(userId: UserId, name: string, options?: { specialUse?: string | null }): Promise<Folder>;
  /**
   * Deletes a folder, its messages and its expunge history. Refuses: InputError(protected) for
   * INBOX, NotFoundError(notFound), ConflictError(hasChildren). Publishes 'folder'.
   */
  deleteFolder(userId: UserId, name: string): Promise<void>;
  /**
   * Renames a folder and its children, keeping UIDVALIDITY, UIDs and flags. Renaming INBOX
   * moves its messages to a new folder and leaves INBOX empty (RFC 9051 section 6.3.6).
   * Creates missing parents of the new name. Refuses: NotFoundError(notFound) for `from`,
   * ConflictError(exists) when `to` (or a child's new name) exists or equals `from`,
   * InputError(protected) for `to` = INBOX, InputError(invalidName) for an invalid `to` or one
   * inside `from` (except from INBOX, whose children stay), InputError(limit). Publishes 'folder' for the old and new name of each folder
   * (and each parent created); renaming INBOX publishes 'exists' for the new folder and
   * 'expunge' for INBOX.
   */
  renameFolder(userId: UserId, from: string, to: string): Promise<void>;
  /** Refuses NotFoundError(notFound): only existing folders can be subscribed. Publishes 'folder'. */
  setSubscribed(userId: UserId, name: string, subscribed: boolean): Promise<void>;

  /** SELECT: the folder and every message's UID, MODSEQ and flags; null if there is no such folder. */
  openFolder(userId: UserId, name: string): Promise<FolderView | null>;
  /** UID, MODSEQ and flags of these messages (all when `uids` is omitted), in UID order; unknown UIDs are skipped. */
  messageFlags(userId: UserId, folder: string, uids?: readonly number[]): Promise<MessageFlags[]>;
  /** What changed after `since`; needs the record of expunged UIDs the store keeps. */
  folderChanges(userId: UserId, folder: string, since: number): Promise<FolderChanges>;
  /** Full rows (index included) of these messages, in UID order; unknown UIDs are skipped. */
  getMessages(userId: UserId, folder: string, uids: readonly number[]): Promise<StoredMessage[]>;
  /**
   * STORE. Flags compare case-insensitively; system flags keep their canonical spelling; \Recent
   * is ignored (never stored). Messages the STORE would not change keep their MODSEQ; the others
   * share one new MODSEQ. Refuses: NotFoundError(notFound), InputError(invalidFlag) for a
   * malformed keyword or an unknown system flag. Publishes 'flags' with the changed UIDs.
   */
  setFlags(
    userId: UserId, folder: string, uids: readonly number[], operation: FlagOperation, flags: readonly string[],
    options?: { unchangedSince?: number },
  ): Promise<SetFlagsResult>;
  /**
   * COPY: new copies share the body; flags and INTERNALDATE are kept; new UIDs in source UID
   * order. Refuses: NotFoundError(notFound) for either folder, ConflictError(overQuota) when the
   * account's bytes plus the copies' would exceed `quota`. Publishes 'exists' on `to`.
   */
  copyMessages(userId: UserId, from: string, uids: readonly number[], to: string, options?: { quota?: number | null }): Promise<CopyResult>;
  /**
   * MOVE: copy and expunge from the source in one transaction (RFC 6851); the source UIDs are
   * recorded as expunged (folderChanges' vanished). Refuses: NotFoundError(notFound),
   * InputError(sameFolder) when `to` is `from`. Publishes 'exists' on `to`, then 'expunge' on `from`.
   */
  moveMessages(userId: UserId, from: string, uids: readonly number[], to: string): Promise<CopyResult>;
  /**
   * UIDs of matching messages, ascending. How the embedded store matches each key is written
   * in store/sqlite/search-query.ts; in short, text keys are case-insensitive substrings, but a
   * TEXT or BODY value that is a single word must begin a word (its FTS index cannot find a
   * word inside another). Refuses InputError('search_too_deep') past 100 levels of nesting.
   */
  search(userId: UserId, folder: string, criterion: SearchCriterion): Promise<number[]>;

  /** Hear about changes in one user's mailbox; returns the unsubscribe function. */
  subscribe(userId: UserId, listener: (change: MailboxChange) => void): () => void;

  close(): Promise<void>;
}

/**
 * A forwarder: mail for `address` (a user, an alias, or an address of ours that is neither) is
 * also sent on to `targets`, addresses outside our domains. `keepCopy`: the local mailboxes the
 * address reaches still get it; false: forwarded only (see mail/delivery/forward-plan.ts).
 */
export interface Forward {
  address: string;
  targets: string[];
  keepCopy: boolean;
}

/** Forwarders, keyed by the forwarding address (store/sqlite/forward-store.ts). */
export interface ForwardStore {
  /**
   * Creates or replaces. keepCopy defaults to whether the address has a mailbox (user or alias).
   * InputError for bad addresses, local targets, keepCopy without a mailbox.
   */
  setForward(address: string, targets: string[], options?: { keepCopy?: boolean }): Promise<Forward>;
  /** NotFoundError('unknown_forward') when there is none. */
  removeForward(address: string): Promise<Forward>;
  getForward(address: string): Promise<Forward | null>;
  listForwards(domain?: string): Promise<Forward[]>;
}

/** Bodies: immutable byte sequences under an id. */
export interface BlobStore {
  create(): BlobWriter;
  open(id: string, range?: { start: number; end?: number }): Readable;
  remove(id: string): Promise<void>;
  exists(id: string): Promise<boolean>;
}

export interface BlobWriter {
  readonly id: string;
  write(chunk: Buffer): Promise<void>;
  /**
   * Makes the blob durable under its id: the file and its directory entry are fsynced
   * (implementations may batch the directory fsync across writers). A blob may exist under its
   * id while it is written; nothing refers to it until the index commits, and a crash before
   * that leaves an orphan that the store's startup sweep removes.
   */
  commit(): Promise<{ id: string; size: number }>;
  /** Removes whatever was written. */
  abort(): Promise<void>;
}

/** Greylisting's memory: one row per (client network, sender, recipient) triplet. */
export interface GreylistTriplet { network: string; sender: string; recipient: string }
export interface GreylistEntry { firstSeen: number; lastSeen: number; passedAt: number | null }
export interface GreylistStore {
  get(triplet: GreylistTriplet): Promise<GreylistEntry | null>;
  put(triplet: GreylistTriplet, entry: GreylistEntry): Promise<void>;
  /** Drops pending triplets first seen before `pendingBefore` and passed ones unused since `passedBefore` (ms). */
  expire(pendingBefore: number, passedBefore: number): Promise<number>;
}

/** One stored Sieve script of an account (RFC 5804 LISTSCRIPTS). */
export interface SieveScriptInfo {
  name: string;
  active: boolean;
  size: number; // bytes of the UTF-8 source
  updatedAt: Date;
}

/**
 * Sieve scripts per account, at most one active, and the record of vacation responses sent.
 * The store keeps text; callers compile a script before putScript so a broken one is never
 * stored. Refusals: NotFoundError('sieve_script_not_found'), ConflictError('sieve_script_active')
 * for deleting the active script, ConflictError('sieve_script_exists') for a rename onto an
 * existing name, InputError('sieve_name_invalid'), InputError('sieve_too_many_scripts').
 */
export interface SieveStore {
  /** Creates or replaces; a new name past `maxScripts` is refused. Replacing keeps the active mark. */
  putScript(userId: UserId, name: string, source: string, options?: { maxScripts?: number }): Promise<void>;
  getScript(userId: UserId, name: string): Promise<string | null>;
  listScripts(userId: UserId): Promise<SieveScriptInfo[]>;
  /** null deactivates every script (RFC 5804 SETACTIVE ""). */
  setActive(userId: UserId, name: string | null): Promise<void>;
  deleteScript(userId: UserId, name: string): Promise<void>;
  renameScript(userId: UserId, from: string, to: string): Promise<void>;
  /** The active script's name and source, or null: what delivery runs. */
  activeScript(userId: UserId): Promise<{ name: string; source: string } | null>;
  /**
   * Vacation :days (RFC 5230 section 4.2): true, and recorded, when no response went to `sender`
   * under `handle` in the last `periodMs`; false when one did. Atomic, so two deliveries at once
   * send one response.
   */
  claimVacationResponse(userId: UserId, sender: string, handle: string, now: Date, periodMs: number): Promise<boolean>;
}

/**
 * A folder another owner lets an account read (a mailing list's archive, owner id list:ADDRESS):
 * the IMAP session shows it under its shared namespace ("Shared/" + name) and reads it from
 * `ownerId`'s `folder`. Read-only: its messages and flags are the owner's, the same for every reader.
 */
export interface SharedFolder {
  /** The name under the shared namespace ("team@example.com"). */
  name: string;
  ownerId: UserId;
  folder: string;
  /** This reader's subscription (LSUB, LIST (SUBSCRIBED)). */
  subscribed: boolean;
}

/** Which shared folders an account may read (mail/lists/list-archive-folders.ts implements it). */
export interface SharedFolderResolver {
  /** The shared folders `user` may read now, by name. */
  listShared(user: User): Promise<SharedFolder[]>;
  /** One of them; null when there is none of that name or `user` may not read it. */
  getShared(user: User, name: string): Promise<SharedFolder | null>;
  /** NotFoundError(FolderErrorCode.notFound) when `user` may not read it. */
  setSharedSubscribed(user: User, name: string, subscribed: boolean): Promise<void>;
}
