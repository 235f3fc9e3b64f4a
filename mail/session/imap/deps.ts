// What an IMAP session needs, injected by the composition root (via the IMAP listener). Only
// store contracts: the session never knows it runs on SQLite and message files.

import type { SecureContext } from 'node:tls';
import type { Logger } from '../../../core/log.js';
import type { AuthPenalty } from '../../auth/auth-penalty.js';
import type { Directory, MailStore, SharedFolderResolver } from '../../store/contracts.js';

export interface ImapLimits {
  /** Longest command line (literals excluded). */
  maxLineLength: number;
  /** Largest literal in a command other than APPEND's message. */
  maxLiteralSize: number;
  /** APPENDLIMIT: largest message APPEND takes (limits.maxMessageSize). */
  appendLimit: number;
  /** Seconds of silence before an authenticated session is logged out (RFC 9051: at least 30 min). */
  idleTimeout: number;
  /** Seconds of silence before a session that never logged in is closed. */
  preAuthTimeout: number;
  /** Refused or malformed commands in a row before the session is closed. */
  maxErrors: number;
  /** Sessions one account may have open at once (all IPs together). */
  connectionsPerUser: number;
}

export interface ImapDeps {
  hostname: string;
  limits: ImapLimits;
  /** STARTTLS on the plain port; null = no certificate, STARTTLS not offered. */
  tls: SecureContext | null;
  /** Allow LOGIN and AUTHENTICATE PLAIN without TLS (config auth.allowInsecure). */
  allowInsecureAuth: boolean;
  directory: Directory;
  mailStore: MailStore;
  penalty: AuthPenalty;
  logger: Logger;
  /** Teaches the spam filter when users file into or out of Junk; null when none is configured. */
  spamLearner?: SpamLearner | null;
  /** Counts sessions per account across the listeners (connectionsPerUser). */
  userSessions: UserSessionCounter;
  /** Waits out a failed login's penalty; tests record instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** The package version, for the ID response; the composition root reads it. */
  version?: string;
  /** Free space in the data directory and the reserve below which APPEND is refused (limits.diskReserve). */
  diskSpace?: { freeBytes(): Promise<number>; reserve: number } | null;
  /** Folders others let an account read (list archives), under "Shared/" (shared-folders.ts); null: no shared namespace. */
  sharedFolders?: SharedFolderResolver | null;
}

/** Shared by the plain and TLS listeners: how many sessions each account has open. */
export interface UserSessionCounter {
  /** Takes a slot; false when the account is at its limit. */
  acquire(userId: string): boolean;
  release(userId: string): void;
}

/** A raw message the learner can read (more than once if it retries). */
export interface LearnableMessage {
  readonly size: number;
  open(): AsyncIterable<Buffer>;
}

/** The spam filter's learning side (rspamd's controller in the embedded setup). */
export interface SpamLearner {
  learnSpam(message: LearnableMessage): Promise<{ learned: boolean }>;
  learnHam(message: LearnableMessage): Promise<{ learned: boolean }>;
}
