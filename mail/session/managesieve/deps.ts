// What a ManageSieve session needs, injected by the composition root (startManageSieveService).
// Only store contracts: the session never knows it runs on SQLite.

import type { SecureContext } from 'node:tls';
import type { Logger } from '../../../core/log.js';
import type { AuthPenalty } from '../../auth/auth-penalty.js';
import type { Directory, SieveStore } from '../../store/contracts.js';

export interface ManageSieveLimits {
  maxScriptSize: number;
  maxScripts: number;
  /** Advertised as MAXREDIRECTS. */
  maxRedirects: number;
  /** Longest command line without its literals. */
  maxLineLength: number;
  /** Seconds of silence before the session is closed. */
  idleTimeout: number;
  /** Refused commands before the session is closed. */
  maxErrors: number;
}

export interface ManageSieveDeps {
  hostname: string;
  limits: ManageSieveLimits;
  /** STARTTLS on the plain port; null = no certificate, STARTTLS not offered. */
  tls: SecureContext | null;
  /** Allow AUTHENTICATE PLAIN without TLS (config auth.allowInsecure). */
  allowInsecureAuth: boolean;
  directory: Directory;
  scripts: SieveStore;
  penalty: AuthPenalty;
  logger: Logger;
  version: string;
  /** Waits out a failed login's penalty; tests record instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}
