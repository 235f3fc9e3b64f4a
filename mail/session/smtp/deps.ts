// What the MX session needs from the rest of the daemon, injected by the composition root.

import type { Logger } from '../../../core/log.js';
import type { Check } from '../../pipeline/contracts.js';
import type { MessageAuthenticator } from '../../pipeline/message-auth.js';
import type { MessageSpool } from '../../store/fs/message-spool.js';
import type { PregreetGate } from '../../pipeline/pregreet-gate.js';
import type { Directory, MailStore } from '../../store/contracts.js';
import type { Forwarding } from '../../delivery/forward-delivery.js';
import type { SieveHook } from '../../delivery/sieve-delivery.js';

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
  /**
   * Addresses banned for failed logins (mail/auth/ban-list.ts), shared with IMAP and POP3: refused
   * at connect with 421 4.7.0 and at AUTH with 454 4.7.0. Absent: no bans.
   */
  bans?: { isBanned(ip: string): boolean } | null;
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
  /**
   * Forwarders and SRS (delivery/forward-*.ts): on the MX, recipients that forward and bounces
   * to our SRS addresses; on submission, local recipients that forward. Absent or null: none.
   */
  forwarding?: Forwarding | null;
  /**
   * Sieve on the MX (delivery/sieve-delivery.ts): recipients with an active script get the
   * message spooled and filed by their script. Absent or null: no Sieve. Submission ignores it.
   */
  sieve?: SieveHook | null;
}
