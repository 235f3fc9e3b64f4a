// The IMAP service as the daemon's composition root starts it: a plain listener (STARTTLS) and
// an implicit-TLS listener sharing one per-account session counter, so connectionsPerUser counts
// 143 and 993 together. Everything is handed in; nothing here reads the config file or the
// environment.

import tls from 'node:tls';
import type { Logger } from '../../../core/log.js';
import type { AuthPenalty } from '../../auth/auth-penalty.js';
import { ImapListener } from '../../listener/imap-listener.js';
import type { Directory, MailStore, SharedFolderResolver } from '../../store/contracts.js';
import type { ImapDeps, ImapLimits, SpamLearner } from './deps.js';
import { PerUserSessionCounter } from './user-session-counter.js';

export interface ImapServiceOptions {
  hostname: string;
  /** "host:port" or null (disabled) for each. */
  listen: { imap: string | null; imaps: string | null };
  /** PEM key and certificate; null = no STARTTLS and no implicit-TLS listener. */
  /** `context`: the daemon's shared one (TlsContextSource); without it one is made from key and cert. */
  tls: { key: string | Buffer; cert: string | Buffer; context?: tls.SecureContext } | null;
  limits: ImapLimits & { connectionsPerIp: number; maxConnections: number };
  allowInsecureAuth: boolean;
  directory: Directory;
  mailStore: MailStore;
  logger: Logger;
  /** Shared with the other protocols, so guessing cannot switch protocol to reset its delay. */
  authPenalty: AuthPenalty;
  /** The package version, for ID. */
  version?: string;
  /** APPEND is refused below the free-space reserve (ImapDeps.diskSpace). */
  diskSpace?: ImapDeps['diskSpace'];
  /** Teaches the spam filter from filing into and out of Junk. */
  spamLearner?: SpamLearner | null;
  /** Folders others let an account read (list archives), under "Shared/" (ImapDeps.sharedFolders). */
  sharedFolders?: SharedFolderResolver | null;
  /** Tests record the penalty instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ImapService {
  readonly listeners: ImapListener[];
  /** Bound addresses by listener name ('imap', 'imaps'). */
  readonly addresses: Record<string, { address: string; port: number }>;
  /** Sessions each account has open (both listeners). */
  readonly userSessions: PerUserSessionCounter;
  close(drainMs?: number): Promise<void>;
  /** A renewed certificate: the next STARTTLS/STLS and implicit-TLS handshakes use it; open sessions keep theirs. */
  setSecureContext(context: tls.SecureContext): void;
}

export async function startImapService(options: ImapServiceOptions): Promise<ImapService> {
  const logger = options.logger.child({ component: 'imap' });
  const context = options.tls ? options.tls.context ?? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }) : null;
  const { limits } = options;
  const userSessions = new PerUserSessionCounter(limits.connectionsPerUser);
  const deps: ImapDeps = {
    hostname: options.hostname,
    limits: {
      maxLineLength: limits.maxLineLength,
      maxLiteralSize: limits.maxLiteralSize,
      appendLimit: limits.appendLimit,
      idleTimeout: limits.idleTimeout,
      preAuthTimeout: limits.preAuthTimeout,
      maxErrors: limits.maxErrors,
      connectionsPerUser: limits.connectionsPerUser,
    },
    tls: context,
    allowInsecureAuth: options.allowInsecureAuth,
    directory: options.directory,
    mailStore: options.mailStore,
    penalty: options.authPenalty,
    logger,
    userSessions,
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.spamLearner ? { spamLearner: options.spamLearner } : {}),
    ...(options.diskSpace ? { diskSpace: options.diskSpace } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.sharedFolders ? { sharedFolders: options.sharedFolders } : {}),
  };
  const connectionLimits = { connectionsPerIp: limits.connectionsPerIp, maxConnections: limits.maxConnections };
  const listeners: ImapListener[] = [];
  const addresses: Record<string, { address: string; port: number }> = {};
  const close = async (drainMs = 8000) => { await Promise.allSettled(listeners.map((l) => l.close(drainMs))); };
  try {
    if (options.listen.imap) {
      const l = new ImapListener({ name: 'imap', limits: connectionLimits, deps, logger });
      listeners.push(l);
      const a = await l.listen(options.listen.imap);
      addresses.imap = { address: a.address, port: a.port };
    }
    if (options.listen.imaps && context) {
      const l = new ImapListener({ name: 'imaps', limits: connectionLimits, deps, logger, implicitTls: context });
      listeners.push(l);
      const a = await l.listen(options.listen.imaps);
      addresses.imaps = { address: a.address, port: a.port };
    } else if (options.listen.imaps) {
      logger.warn('no TLS certificate: implicit-TLS IMAP (listen.imaps) disabled', { outcome: 'disabled' });
    }
  } catch (err) {
    await close(0);
    throw err;
  }
  // Sessions read deps.tls at STARTTLS time, so replacing it is all STARTTLS needs.
  const setSecureContext = (next: tls.SecureContext) => { if (deps.tls) deps.tls = next; for (const l of listeners) l.setSecureContext(next); };
  return { listeners, addresses, userSessions, close, setSecureContext };
}
