// What a POP3 session needs, injected by the composition root (via startPop3Service). Only store
// contracts: the session never knows it runs on SQLite and message files.

import type { SecureContext } from 'node:tls';
import type { Logger } from '../../../core/log.js';
import type { AuthPenalty } from '../../auth/auth-penalty.js';
import type { Directory, MailStore } from '../../store/contracts.js';
import type { MailboxLocks } from './mailbox-locks.js';

export interface Pop3Limits {
  maxLineLength: number;
  /** Seconds of silence before autologout (RFC 1939 says at least 10 minutes; the caller decides). */
  idleTimeout: number;
  /** Refused or unknown commands before the session is closed. */
  maxErrors: number;
}

export interface Pop3Deps {
  hostname: string;
  limits: Pop3Limits;
  /** STLS on the plain port; null = no certificate, STLS not offered. */
  tls: SecureContext | null;
  /** Allow USER/PASS and AUTH PLAIN without TLS (config auth.allowInsecure). */
  allowInsecureAuth: boolean;
  directory: Directory;
  mailStore: MailStore;
  penalty: AuthPenalty;
  locks: MailboxLocks;
  logger: Logger;
  /** Waits out a failed login's penalty; tests record instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}
