// The MX listener: our own net.Server, so connection limits apply before smtp-server sees a
// socket. Each accepted socket gets a connection id, a slot in the per-IP and total limits
// (over them: 421 4.7.0 and close), a watch on its bytes (data before our 354 is refused), and
// is handed to the session with smtp-server's public server.connect().
//
// close() drains: no new connections; idle sessions get 421 4.3.2 at once, busy ones right
// after the reply they are waiting for (a message being received finishes first); whatever is
// left at the deadline is cut off (an unfinished delivery is then aborted by the session).

import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../core/log.js';
import { formatReply } from '../protocol/smtp/reply.js';
import { replies } from '../session/smtp/replies.js';
import type { SmtpConnectionHandle, SmtpSessionServer } from '../session/smtp/smtp-session-server.js';
import { ClientWatch } from './client-watch.js';
import { ConnectionLimiter } from './connection-limiter.js';
import { listenOn } from './listen-on.js';

export interface SmtpListenerOptions {
  name: string; // 'smtp', for the logs
  hostname: string;
  limits: { connectionsPerIp: number; maxConnections: number };
  session: SmtpSessionServer;
  logger: Logger;
  /** Implicit TLS (port 465): the handshake happens here, before the session sees the socket. */
  implicitTls?: { key: string | Buffer; cert: string | Buffer; context?: tls.SecureContext } | null;
}

/** How long a client of an implicit-TLS listener gets for its handshake. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What handle() needs of a socket; a net.Socket, or an in-memory duplex in tests. */
export type ClientSocket = Duplex & { remoteAddress?: string | undefined; remotePort?: number | undefined };

interface Tracked {
  socket: ClientSocket;
  handle: SmtpConnectionHandle | null;
  watch: ClientWatch;
  release: () => void;
}

/** How long a client told 421 at shutdown may take to close its side. */
const GOODBYE_GRACE_MS = 500;

// Connection ids come from a pool of CSPRNG bytes, 8 at a time: one randomFillSync per 512
// connections instead of one randomBytes (and its Buffer) per connection.
const ID_POOL_BYTES = 4096;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** A connection id: short, unique enough for logs, safe in any log format. */
export function newConnectionId(): string {
  if (idOffset + 8 > idPool.length) {
    idPool = crypto.randomFillSync(Buffer.allocUnsafeSlow(ID_POOL_BYTES));
    idOffset = 0;
  }
  const start = idOffset;
  idOffset += 8;
  return idPool.toString('hex', start, start + 8);
}

/** Socket errors are reported by the session, or the socket is being refused anyway. */
function ignoreError(): void { /* one function for every socket, not a closure per connection */ }

export class SmtpListener {
  private readonly server: net.Server;
  private readonly limiter: ConnectionLimiter;
  private readonly open = new Map<string, Tracked>();
  private draining = false;
  private drained: (() => void) | null = null;
  /** Implicit TLS only; replaced by setSecureContext() when the certificate is renewed. */
  private secureContext: tls.SecureContext | null;
  /** Raw sockets still in their TLS handshake (implicit TLS), for close(). */
  private readonly handshaking = new Set<ClientSocket>();
  /**
   * Our end of every connection when bound to one address (not a wildcard), handed to the
   * session so it need not ask the kernel (getsockname) for each connection.
   */
  private local: { address: string; port: number } | null = null;

  constructor(private readonly options: SmtpListenerOptions) {
    this.limiter = new ConnectionLimiter(options.limits);
    this.secureContext = options.implicitTls ? options.implicitTls.context ?? tls.createSecureContext({ key: options.implicitTls.key, cert: options.implicitTls.cert, minVersion: 'TLSv1.2' }) : null;
    this.server = net.createServer({ noDelay: true }, (socket) => this.handle(socket));
    this.server.on('error', (err) => options.logger.error('listener error', { listener: options.name, err }));
  }

  get connections(): number {
    return this.open.size;
  }

  /**
   * A renewed certificate (like tls.Server#setSecureContext): new handshakes use it, open
   * sessions keep theirs. Ignored on a listener without implicit TLS (STARTTLS is smtp-server's).
   */
  setSecureContext(context: tls.SecureContext): void {
    if (this.secureContext) this.secureContext = context;
  }

  /** Starts listening on "host:port"; resolves with the bound address. */
  async listen(hostPort: string): Promise<net.AddressInfo> {
    const bound = await listenOn(this.server, hostPort, this.options.name, this.options.logger);
    const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
    this.local = wildcard ? null : { address: bound.address, port: bound.port };
    return bound;
  }

  /** Takes one connected socket (from our net.Server, or a test). */
  handle(socket: ClientSocket, remote?: { address: string; port: number }): void {
    const { hostname } = this.options;
    const remoteAddress = (remote?.address ?? socket.remoteAddress ?? '').replace(/^::ffff:/i, '');
    const remotePort = remote?.port ?? socket.remotePort ?? 0;
    const cid = newConnectionId();
    socket.on('error', ignoreError);

    if (this.draining) return this.refuse(socket, cid, remoteAddress, replies.shuttingDown(hostname), 'shutting-down');
    const admitted = this.limiter.admit(remoteAddress);
    if (admitted !== 'ok') {
      const reply = admitted === 'too-many' ? replies.tooManyConnections(hostname) : replies.tooManyConnectionsFromIp(hostname);
      return this.refuse(socket, cid, remoteAddress, reply, admitted);
    }

    if (this.secureContext) {
      this.handshake(socket, cid, remoteAddress, (secure) => this.start(secure, cid, remoteAddress, remotePort));
      return;
    }
    this.start(socket, cid, remoteAddress, remotePort);
  }

  /** Implicit TLS: the session starts on the TLS socket once the handshake is done. */
  private handshake(socket: ClientSocket, cid: string, remoteAddress: string, then: (secure: tls.TLSSocket) => void): void {
    const { logger, name } = this.options;
    let released = false;
    const release = () => { if (!released) { released = true; this.handshaking.delete(socket); this.limiter.release(remoteAddress); } };
    this.handshaking.add(socket);
    const secure = new tls.TLSSocket(socket as net.Socket, { isServer: true, secureContext: this.secureContext! });
    const timer = setTimeout(() => { logger.info('tls handshake timed out', { listener: name, cid, qid: null, remote: remoteAddress, outcome: 'tls-timeout' }); secure.destroy(); socket.destroy(); }, HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    const fail = (err: unknown) => {
      clearTimeout(timer);
      logger.info('tls handshake failed', { listener: name, cid, qid: null, remote: remoteAddress, err, outcome: 'tls-failed' });
      socket.destroy();
      release();
    };
    secure.once('error', fail);
    socket.once('close', () => { clearTimeout(timer); release(); });
    secure.once('secure', () => {
      clearTimeout(timer);
      secure.off('error', fail);
      this.handshaking.delete(socket);
      if (this.draining) { secure.destroy(); return; }
      // From here the session's slot is released by the session's own close (see start()).
      released = true;
      then(secure);
    });
  }

  private start(socket: ClientSocket, cid: string, remoteAddress: string, remotePort: number): void {
    const { session } = this.options;
    let released = false;
    const tracked: Tracked = {
      socket,
      handle: null,
      watch: new ClientWatch(socket, () => tracked.handle?.refuseData('data before 354')),
      release: () => {
        if (released) return;
        released = true;
        this.limiter.release(remoteAddress);
        this.open.delete(cid);
        if (this.draining && this.open.size === 0) this.drained?.();
      },
    };
    this.open.set(cid, tracked);
    // smtp-server removes the plain socket's listeners at STARTTLS; the session's close covers that.
    socket.once('close', tracked.release);

    const local = this.local;
    tracked.handle = session.connect(socket, { cid, remoteAddress, remotePort, ...(local ? { localAddress: local.address, localPort: local.port } : {}) }, {
      onReply: (code) => {
        tracked.watch.reply(code);
        if (this.draining && tracked.watch.idle) this.sayGoodbye(tracked);
      },
      onSecure: (tlsSocket) => {
        tracked.watch.detach();
        tracked.watch = new ClientWatch(tlsSocket, () => tracked.handle?.refuseData('data before 354'), { greeted: true });
        tracked.socket = tlsSocket;
        tlsSocket.once('close', tracked.release);
        if (this.draining) setImmediate(() => this.sayGoodbye(tracked));
      },
      onClose: tracked.release,
    });
  }

  /**
   * Stops accepting, drains open sessions, and cuts off what is left after `drainMs`.
   * Resolves once every connection is gone.
   */
  async close(drainMs = 8000): Promise<void> {
    const { logger } = this.options;
    if (!this.draining) {
      this.draining = true;
      logger.info('draining', { listener: this.options.name, connections: this.open.size, outcome: 'draining' });
    }
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const raw of this.handshaking) raw.destroy();
    const drained = this.open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => { this.drained = resolve; });
    for (const t of this.open.values()) {
      if (t.watch.idle) this.sayGoodbye(t);
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => { timer = setTimeout(() => resolve('deadline'), drainMs); });
    const first = await Promise.race([drained.then(() => 'drained' as const), deadline]);
    clearTimeout(timer);
    if (first === 'deadline') {
      logger.warn('drain deadline passed, closing connections', { listener: this.options.name, connections: this.open.size, outcome: 'cut-off' });
      for (const t of [...this.open.values()]) {
        t.socket.destroy();
        t.release();
      }
    }
    await stopped;
  }

  /** 421 4.3.2, and the socket goes after a short grace even if the client keeps its side open. */
  private sayGoodbye(t: Tracked): void {
    t.handle?.closeWith(replies.shuttingDown(this.options.hostname));
    setTimeout(() => t.socket.destroy(), GOODBYE_GRACE_MS).unref();
  }

  private refuse(socket: ClientSocket, cid: string, remote: string, reply: Parameters<typeof formatReply>[0], outcome: string): void {
    this.options.logger.info('connection refused', { listener: this.options.name, cid, qid: null, remote, outcome });
    socket.end(formatReply(reply));
    // A client that never closes its side must not keep the descriptor.
    setTimeout(() => socket.destroy(), 2000).unref();
  }
}
