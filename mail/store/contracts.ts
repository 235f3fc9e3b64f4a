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

  addAlias(address: string, targets: string[]): Promise<Alias>;
  removeAlias(address: string): Promise<void>;
  listAliases(domain?: string): Promise<Alias[]>;

  /** Resolves an envelope recipient: user, alias (recursively, loops cut), catch-all. */
  resolve(address: string): Promise<Resolution>;
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

  /** Hear about changes in one user's mailbox; returns the unsubscribe function. */
  subscribe(userId: UserId, listener: (change: MailboxChange) => void): () => void;

  close(): Promise<void>;
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
