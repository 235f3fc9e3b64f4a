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
  /**
   * Content checks of the whole message at the end of DATA on the MX (clamd, rspamd: see
   * pipeline/content-filters.ts). They run at the same time as each other and as inboundAuth,
   * each reading the one spooled copy (`spool`, the same as inboundAuth.spool when both are on);
   * their verdicts decide, with the DMARC one, whether and where the message is stored. Absent or
   * null: none. Submission ignores it.
   */
  dataChecks?: { checks: readonly Check[]; spool: MessageSpool } | null;
  /** The clock, for the Received header. */
  now?: () => Date;
}
