// What the MX session needs from the rest of the daemon, injected by the composition root.

import type { Logger } from '../../../core/log.js';
import type { Check } from '../../pipeline/contracts.js';
import type { MessageAuthenticator } from '../../pipeline/message-auth.js';
import type { MessageSpool } from '../../store/fs/message-spool.js';
import type { PregreetGate } from '../../pipeline/pregreet-gate.js';
import type { Directory, MailStore } from '../../store/contracts.js';

export interface SmtpSessionLimits {
  maxMessageSize: number;
  maxRecipients: number;
  maxLineLength: number;
  idleTimeout: number; // seconds
  maxErrors: number;
}

export interface SmtpSessionDeps {
  hostname: string;
  limits: SmtpSessionLimits;
  /** PEM key and certificate for STARTTLS; null disables STARTTLS. */
  tls: { key: string | Buffer; cert: string | Buffer } | null;
  directory: Directory;
  mailStore: MailStore;
  /** Policy checks at connect, MAIL FROM and RCPT TO (disk reserve, later DNSBL, rate ...). */
  checks?: readonly Check[];
  logger: Logger;
  /** Reverse DNS of clients; null skips it (tests, or no resolver wanted). */
  reverseLookup?: ((ip: string, callback: (err: Error | null, hostnames?: string[]) => void) => void) | null;
  /** The pregreet test; absent greets every client at once. */
  pregreet?: PregreetGate | null;
  /**
   * Verification of inbound mail on the MX (SPF, DKIM, DMARC, ARC): the body is spooled while it
   * arrives, verified, then stored with an Authentication-Results field. Absent or null: stored
   * as it streams, unverified (config inbound.verify=false). Submission ignores it.
   */
  inboundAuth?: { authenticator: MessageAuthenticator; spool: MessageSpool } | null;
  /** The clock, for the Received header. */
  now?: () => Date;
}
