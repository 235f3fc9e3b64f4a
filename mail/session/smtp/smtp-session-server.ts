// The MX session: smtp-server configured for inbound mail (no AUTH, STARTTLS when a certificate
// is configured, SIZE enforced, PIPELINING/8BITMIME/ENHANCEDSTATUSCODES advertised) with one
// handler per stage. It never listens itself: the listener (mail/listener) accepts sockets,
// applies connection limits and hands each one to connect().

import type net from 'node:net';
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { GreetingWaitOptions } from './greeting-wait.js';
import './greeting-wait.js';
import type { SessionContext } from './context.js';
import { stateOf } from './context.js';
import type { SmtpSessionDeps } from './deps.js';
import { SmtpReplyError } from './errors.js';
import { onConnect } from './on-connect.js';
import { onData } from './on-data.js';
import { onMailFrom } from './on-mail-from.js';
import { onRcptTo } from './on-rcpt-to.js';
import { installReplyHook, type ReplyControl } from './reply-hook.js';
import { replies } from './replies.js';
import { newConnectionState } from './state.js';
import { replyMessage, type SmtpReply } from '../../protocol/smtp/reply.js';

export interface ConnectionHooks {
  /** After every reply written to the client (one call per reply). */
  onReply?(code: number): void;
  /** STARTTLS completed: `socket` carries the plaintext from now on. */
  onSecure?(socket: net.Socket | tls.TLSSocket): void;
  /** The SMTP session ended. */
  onClose?(): void;
}

export interface SmtpConnectionHandle {
  readonly cid: string;
  /** The client sent data after DATA before our 354: the 354 becomes 554 5.5.0 and we close. */
  refuseData(reason: string): void;
  /** Sends a final reply (421 ...) and closes. */
  closeWith(reply: SmtpReply): void;
}

export interface ConnectInfo {
  cid: string;
  remoteAddress?: string;
  remotePort?: number;
}

// Handlers for commands Mailroom's MX does not offer. AUTH belongs to the submission ports;
// the sendmail jokes (WIZ, SHELL, KILL) and the proxy commands are not for the internet.
const DISABLED = ['AUTH', 'WIZ', 'SHELL', 'KILL', 'XCLIENT', 'XFORWARD'];

export class SmtpSessionServer {
  readonly server: SMTPServer;
  private readonly ctx: SessionContext;
  private readonly hooks = new Map<string, ConnectionHooks>();

  constructor(readonly deps: SmtpSessionDeps) {
    this.ctx = { deps, states: new Map(), inFlight: new Set() };
    this.server = new SMTPServer(this.options());
    // Errors of single connections (a reset socket mid-transaction, a failed TLS handshake).
    this.server.on('error', (err) => deps.logger.debug('smtp connection error', { err }));
  }

  /** Hands a connected socket to smtp-server. */
  connect(socket: net.Socket | Duplex, info: ConnectInfo, hooks: ConnectionHooks = {}): SmtpConnectionHandle {
    const log = this.deps.logger.child({ cid: info.cid });
    const state = newConnectionState(info.cid, log, info.remoteAddress ?? (socket as net.Socket).remoteAddress ?? '');
    this.ctx.states.set(info.cid, state);
    this.hooks.set(info.cid, hooks);
    this.server.connect(socket as net.Socket, { id: info.cid, remoteAddress: info.remoteAddress, remotePort: info.remotePort });
    let control: ReplyControl | null = null;
    for (const connection of this.server.connections) {
      if (connection.id === info.cid) {
        control = installReplyHook(connection, state, { hostname: this.deps.hostname, maxErrors: this.deps.limits.maxErrors, onReply: hooks.onReply });
      }
    }
    log.info('connection open', { qid: null, remote: state.remoteAddress, outcome: 'open' });
    return {
      cid: info.cid,
      refuseData: (reason) => { state.dataRefused ??= reason; },
      closeWith: (reply) => {
        if (control) control.closeWith(reply);
        else socket.end(replyMessage(reply));
      },
    };
  }

  /** Deliveries that are streaming into the store right now. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.ctx.inFlight]);
  }

  get openConnections(): number {
    return this.ctx.states.size;
  }

  private options(): SMTPServerOptions & GreetingWaitOptions {
    const { deps } = this;
    const l = deps.limits;
    const tls = deps.tls;
    const reply = <T>(work: Promise<T>, callback: (err?: Error | null, value?: T) => void, session: SMTPServerSession) => {
      work.then(
        (value) => callback(null, value),
        (err: unknown) => {
          if (err instanceof SmtpReplyError) return callback(err);
          stateOf(this.ctx, session).log.error('handler failed', { qid: null, err, outcome: 'error' });
          callback(new SmtpReplyError('internal', replies.temporaryFailure(), { cause: err }));
        },
      );
    };
    return {
      name: deps.hostname,
      banner: 'Mailroom',
      size: l.maxMessageSize,
      rejectOversized: true,
      maxRecipients: l.maxRecipients,
      maxCommandLength: l.maxLineLength,
      socketTimeout: l.idleTimeout * 1000,
      closeTimeout: 5000,
      disabledCommands: tls ? DISABLED : [...DISABLED, 'STARTTLS'],
      hideSTARTTLS: !tls,
      hideENHANCEDSTATUSCODES: false,
      hidePIPELINING: false,
      hide8BITMIME: false,
      hideDSN: true,
      hideREQUIRETLS: true,
      authOptional: true,
      maxAllowedUnauthenticatedCommands: false,
      disableReverseLookup: !deps.reverseLookup,
      ...(deps.reverseLookup ? { resolver: { reverse: deps.reverseLookup } } : {}),
      ...(tls ? { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' as const } : {}),
      logger: false,
      ...(deps.pregreet ? { greetingWait: (ip: string) => deps.pregreet!.waitFor(ip), greetingPassed: (ip: string) => deps.pregreet!.passed(ip) } : {}),
      onConnect: (session, callback) => reply(onConnect(this.ctx, session), callback, session),
      onSecure: (socket, session, callback) => {
        const state = stateOf(this.ctx, session);
        state.tls = true;
        state.log.info('tls', { qid: null, protocol: (socket as tls.TLSSocket).getProtocol?.() ?? null, cipher: (socket as tls.TLSSocket).getCipher?.()?.name ?? null, outcome: 'secure' });
        this.hooks.get(session.id)?.onSecure?.(socket);
        callback();
      },
      onMailFrom: (address, session, callback) => reply(onMailFrom(this.ctx, address, session), callback, session),
      onRcptTo: (address, session, callback) => reply(onRcptTo(this.ctx, address, session), callback, session),
      onData: (stream, session, callback) => reply(onData(this.ctx, stream, session), callback, session),
      onClose: (session) => {
        const state = this.ctx.states.get(session.id);
        if (state) {
          state.log.info('connection closed', { qid: null, remote: state.remoteAddress, messages: state.messages, errors: state.errors, ms: Date.now() - state.openedAt, outcome: state.outcome ?? 'closed' });
          this.ctx.states.delete(session.id);
        }
        const hooks = this.hooks.get(session.id);
        this.hooks.delete(session.id);
        hooks?.onClose?.();
      },
    };
  }
}
