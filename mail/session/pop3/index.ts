// The POP3 service as the daemon's composition root starts it: a plain listener (STLS) and an
// implicit-TLS listener sharing one mailbox lock table, so a mailbox open on 995 is IN-USE on
// 110 too. Everything is handed in; nothing here reads the config file or the environment.

import tls from 'node:tls';
import type { Logger } from '../../../core/log.js';
import type { AuthPenalty } from '../../auth/auth-penalty.js';
import { Pop3Listener } from '../../listener/pop3-listener.js';
import type { Directory, MailStore } from '../../store/contracts.js';
import type { Pop3Deps, Pop3Limits } from './deps.js';
import { MailboxLocks } from './mailbox-locks.js';

export interface Pop3ServiceOptions {
  hostname: string;
  /** "host:port" or null (disabled) for each. */
  listen: { pop3: string | null; pop3s: string | null };
  /** PEM key and certificate; null = no STLS and no implicit-TLS listener. */
  /** `context`: the daemon's shared one (TlsContextSource); without it one is made from key and cert. */
  tls: { key: string | Buffer; cert: string | Buffer; context?: tls.SecureContext } | null;
  limits: Pop3Limits & { connectionsPerIp: number; maxConnections: number };
  allowInsecureAuth: boolean;
  directory: Directory;
  mailStore: MailStore;
  logger: Logger;
  /** Shared with the other protocols, so guessing cannot switch protocol to reset its delay. */
  authPenalty: AuthPenalty;
  /** Tests record the penalty instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export interface Pop3Service {
  readonly listeners: Pop3Listener[];
  /** Bound addresses by listener name ('pop3', 'pop3s'). */
  readonly addresses: Record<string, { address: string; port: number }>;
  close(drainMs?: number): Promise<void>;
  /** A renewed certificate: the next STARTTLS/STLS and implicit-TLS handshakes use it; open sessions keep theirs. */
  setSecureContext(context: tls.SecureContext): void;
}

export async function startPop3Service(options: Pop3ServiceOptions): Promise<Pop3Service> {
  const logger = options.logger.child({ component: 'pop3' });
  const context = options.tls ? options.tls.context ?? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }) : null;
  const deps: Pop3Deps = {
    hostname: options.hostname,
    limits: { maxLineLength: options.limits.maxLineLength, idleTimeout: options.limits.idleTimeout, maxErrors: options.limits.maxErrors },
    tls: context,
    allowInsecureAuth: options.allowInsecureAuth,
    directory: options.directory,
    mailStore: options.mailStore,
    penalty: options.authPenalty,
    locks: new MailboxLocks(),
    logger,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  const limits = { connectionsPerIp: options.limits.connectionsPerIp, maxConnections: options.limits.maxConnections };
  const listeners: Pop3Listener[] = [];
  const addresses: Record<string, { address: string; port: number }> = {};
  const close = async (drainMs = 8000) => { await Promise.allSettled(listeners.map((l) => l.close(drainMs))); };
  try {
    if (options.listen.pop3) {
      const l = new Pop3Listener({ name: 'pop3', limits, deps, logger });
      listeners.push(l);
      const a = await l.listen(options.listen.pop3);
      addresses.pop3 = { address: a.address, port: a.port };
    }
    if (options.listen.pop3s && context) {
      const l = new Pop3Listener({ name: 'pop3s', limits, deps, logger, implicitTls: context });
      listeners.push(l);
      const a = await l.listen(options.listen.pop3s);
      addresses.pop3s = { address: a.address, port: a.port };
    } else if (options.listen.pop3s) {
      logger.warn('no TLS certificate: implicit-TLS POP3 (listen.pop3s) disabled', { outcome: 'disabled' });
    }
  } catch (err) {
    await close(0);
    throw err;
  }
  // Sessions read deps.tls at STLS time, so replacing it is all STLS needs.
  const setSecureContext = (next: tls.SecureContext) => { if (deps.tls) deps.tls = next; for (const l of listeners) l.setSecureContext(next); };
  return { listeners, addresses, close, setSecureContext };
}
