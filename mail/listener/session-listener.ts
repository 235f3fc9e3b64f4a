// A listener for a protocol whose sessions we run ourselves (POP3, IMAP): our own net.Server, so
// connection limits apply before any byte is read. Each accepted socket gets a connection id and
// a slot in the per-IP and total limits (over them: the protocol's refusal line and close); on
// an implicit-TLS port the handshake finishes here, with a deadline, before the session sees
// the socket.
//
// close() drains: no new connections; every session is told to shut down, which it does at once
// when idle or after its current command; what is left at the deadline is cut off.
//
// SMTP has its own listener: its drain and refusal replies are tied to smtp-server.

import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../core/log.js';
import type { SessionInfo } from '../session/session-info.js';
import { ConnectionLimiter } from './connection-limiter.js';
import { newConnectionId } from './smtp-listener.js';
import { listenOn } from './listen-on.js';

export interface ListenedSession {
  /** Resolves when the connection is over. */
  run(): Promise<void>;
  /** Say goodbye now if idle, else after the current command. */
  shutdown(): void;
}

export type { SessionInfo };

interface ListenerBasics {
  /** 'pop3', 'imaps' ...: for the logs. */
  name: string;
  limits: { connectionsPerIp: number; maxConnections: number };
  logger: Logger;
  /** Implicit TLS (995, 993). */
  implicitTls?: tls.SecureContext | null;
}

/** What a protocol's listener is made from (imap-listener.ts, pop3-listener.ts, ...). */
export interface ProtocolListenerOptions<Deps> extends ListenerBasics {
  deps: Deps;
}

export interface SessionListenerOptions extends ListenerBasics {
  /** 'pop3', 'imap': prefixes the session's crash log line. */
  protocol: string;
  createSession(socket: net.Socket | tls.TLSSocket, info: SessionInfo): ListenedSession;
  /**
   * An address banned after repeated login failures (mail/auth/ban-list.ts) is turned away at
   * connect, before a greeting, so it cannot even start guessing again.
   */
  isBanned?: (remoteAddress: string) => boolean;
  /** What a client refused on the plain port reads before the close (`-ERR ...`, `* BYE ...`). */
  refusal(text: string): string | Buffer;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;

export class SessionListener {
  private readonly server: net.Server;
  private readonly limiter: ConnectionLimiter;
  private readonly sessions = new Set<ListenedSession>();
  private readonly sockets = new Set<net.Socket>();
  private draining = false;

  constructor(private readonly options: SessionListenerOptions) {
    this.limiter = new ConnectionLimiter(options.limits);
    this.server = net.createServer({ noDelay: true }, (socket) => this.handle(socket));
    this.server.on('error', (err) => options.logger.error('listener error', { listener: options.name, err }));
  }

  get connections(): number {
    return this.sockets.size;
  }

  /**
   * A renewed certificate (like tls.Server#setSecureContext): new handshakes use it, open
   * sessions keep theirs. Ignored on a listener without implicit TLS.
   */
  setSecureContext(context: tls.SecureContext): void {
    if (this.options.implicitTls) this.options.implicitTls = context;
  }

  listen(hostPort: string): Promise<net.AddressInfo> {
    return listenOn(this.server, hostPort, this.options.name, this.options.logger);
  }

  private handle(socket: net.Socket): void {
    const { logger, name, protocol } = this.options;
    const remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/i, '');
    const remotePort = socket.remotePort ?? 0;
    const cid = newConnectionId();
    socket.on('error', () => { /* the session or the refusal below handles the end */ });
    if (this.draining) return this.refuse(socket, cid, remoteAddress, 'shutting-down', 'Server shutting down');
    if (this.options.isBanned?.(remoteAddress)) return this.refuse(socket, cid, remoteAddress, 'banned', 'Too many failed logins from your address, try again later');
    const admitted = this.limiter.admit(remoteAddress);
    if (admitted !== 'ok') return this.refuse(socket, cid, remoteAddress, admitted, 'Too many connections, try again later');
    this.sockets.add(socket);
    socket.once('close', () => { this.sockets.delete(socket); this.limiter.release(remoteAddress); });

    const start = (s: net.Socket | tls.TLSSocket, secure: boolean) => {
      const session = this.options.createSession(s, { cid, remoteAddress, remotePort, secure });
      this.sessions.add(session);
      session.run().catch((err: unknown) => logger.error(`${protocol} session crashed`, { listener: name, cid, err, outcome: 'error' })).finally(() => {
        this.sessions.delete(session);
        s.destroy();
      });
    };
    const context = this.options.implicitTls;
    if (!context) return start(socket, false);

    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
    const timer = setTimeout(() => {
      logger.info('tls handshake timed out', { listener: name, cid, remote: remoteAddress, outcome: 'tls-timeout' });
      secure.destroy();
    }, HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    const fail = (err: unknown) => {
      clearTimeout(timer);
      logger.info('tls handshake failed', { listener: name, cid, remote: remoteAddress, err, outcome: 'tls-failed' });
      socket.destroy();
    };
    secure.once('error', fail);
    secure.once('secure', () => {
      clearTimeout(timer);
      secure.off('error', fail);
      if (this.draining) { secure.destroy(); return; }
      start(secure, true);
    });
  }

  async close(drainMs = 8000): Promise<void> {
    const { logger, name } = this.options;
    this.draining = true;
    logger.info('draining', { listener: name, connections: this.sockets.size, outcome: 'draining' });
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.shutdown();
    const deadline = Date.now() + drainMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (this.sockets.size > 0) {
      logger.warn('drain deadline passed, closing connections', { listener: name, connections: this.sockets.size, outcome: 'cut-off' });
      for (const s of this.sockets) s.destroy();
    }
    await stopped;
  }

  private refuse(socket: net.Socket, cid: string, remote: string, outcome: string, text: string): void {
    this.options.logger.info('connection refused', { listener: this.options.name, cid, remote, outcome });
    // On an implicit-TLS port the client expects a handshake, not text: just close.
    if (this.options.implicitTls) socket.destroy();
    else socket.end(this.options.refusal(text));
    setTimeout(() => socket.destroy(), 2000).unref();
  }
}
