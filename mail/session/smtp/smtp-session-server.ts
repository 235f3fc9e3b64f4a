// The MX session: smtp-server configured for inbound mail (no AUTH, STARTTLS when a certificate
// is configured, SIZE enforced, PIPELINING/8BITMIME/ENHANCEDSTATUSCODES advertised) with one
// handler per stage. It never listens itself: the listener (mail/listener) accepts sockets,
// applies connection limits and hands each one to connect().

import type net from 'node:net';
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { SCRAM_MECHANISM } from '../../auth/scram-sha256.js';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
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
  /** Our end, when the listener knows it (bound to one address): saves a getsockname per connection. */
  localAddress?: string;
  localPort?: number;
}

type Connection = SMTPServer['connections'] extends Set<infer C> ? C : never;

/** The per-stage handlers; the MX's are the default, submission brings its own. */
export interface SessionHandlers {
  onMailFrom(ctx: SessionContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void>;
  onRcptTo(ctx: SessionContext, address: SMTPServerAddress, session: SMTPServerSession): Promise<void>;
  /** Resolves with the text of the final 250. */
  onData(ctx: SessionContext, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string>;
  /** Resolves with the authenticated user's address; rejects with the refusal. */
  onAuth?(ctx: SessionContext, auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<string>;
}

/** What differs between the MX (port 25) and submission (587/465). */
export interface SessionProfile {
  handlers: SessionHandlers;
  /** SASL mechanisms offered after EHLO; empty: no AUTH (the MX). */
  authMethods: string[];
  /** Offer password mechanisms without TLS (config auth.allowInsecure). */
  allowInsecureAuth: boolean;
  /** The listener did the TLS handshake before the session (implicit TLS, port 465). */
  implicitTls: boolean;
  /** MAIL, RCPT and DATA need AUTH first (530 5.7.0). */
  authRequired: boolean;
}

export const MX_PROFILE: SessionProfile = {
  handlers: { onMailFrom, onRcptTo, onData },
  authMethods: [],
  allowInsecureAuth: false,
  implicitTls: false,
  authRequired: false,
};

// Handlers for commands Mailroom's MX does not offer. AUTH belongs to the submission ports;
// the sendmail jokes (WIZ, SHELL, KILL) and the proxy commands are not for the internet.
const DISABLED = ['AUTH', 'WIZ', 'SHELL', 'KILL', 'XCLIENT', 'XFORWARD'];
const DISABLED_WITH_AUTH = DISABLED.filter((c) => c !== 'AUTH');

export class SmtpSessionServer {
  readonly server: SMTPServer;
  private readonly ctx: SessionContext;
  private readonly hooks = new Map<string, ConnectionHooks>();
  /** The connection server.connect() just made (greeting-wait.ts reports it from init()). */
  private created: Connection | null = null;

  constructor(readonly deps: SmtpSessionDeps, readonly profile: SessionProfile = MX_PROFILE) {
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
    this.created = null;
    this.server.connect(socket as net.Socket, { id: info.cid, remoteAddress: info.remoteAddress, remotePort: info.remotePort, localAddress: info.localAddress, localPort: info.localPort });
    const connection = this.created as Connection | null;
    this.created = null;
    let control: ReplyControl | null = null;
    if (connection?.id === info.cid) {
      control = installReplyHook(connection, state, { hostname: this.deps.hostname, maxErrors: this.deps.limits.maxErrors, onReply: hooks.onReply });
    } else {
      // Not reported (smtp-server's init changed): look for it the slow way.
      for (const c of this.server.connections) {
        if (c.id === info.cid) control = installReplyHook(c, state, { hostname: this.deps.hostname, maxErrors: this.deps.limits.maxErrors, onReply: hooks.onReply });
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
    const profile = this.profile;
    const handlers = profile.handlers;
    const disabled = profile.authMethods.length > 0 ? DISABLED_WITH_AUTH : DISABLED;
    // After an implicit-TLS handshake there is nothing left to upgrade.
    const offerStartTls = !!tls && !profile.implicitTls;
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
      disabledCommands: offerStartTls ? disabled : [...disabled, 'STARTTLS'],
      hideSTARTTLS: !offerStartTls,
      authMethods: profile.authMethods,
      allowInsecureAuth: profile.allowInsecureAuth,
      ...(profile.implicitTls ? { secure: true, secured: true } : {}),
      hideENHANCEDSTATUSCODES: false,
      hidePIPELINING: false,
      hide8BITMIME: false,
      hideDSN: true,
      hideREQUIRETLS: true,
      authOptional: !profile.authRequired,
      authRequiredMessage: '5.7.0 Authentication required',
      maxAllowedUnauthenticatedCommands: false,
      disableReverseLookup: !deps.reverseLookup,
      ...(deps.reverseLookup ? { resolver: { reverse: deps.reverseLookup } } : {}),
      ...(offerStartTls && tls ? { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' as const } : {}),
      logger: false,
      ...(profile.authMethods.includes(SCRAM_MECHANISM)
        ? { scramCredentials: async (username: string) => (await deps.directory.getScramCredentials(username))?.scram ?? null }
        : {}),
      connectionCreated: (connection: unknown) => { this.created = connection as Connection; },
      ...(deps.pregreet ? { greetingWait: (ip: string) => deps.pregreet!.waitFor(ip), greetingPassed: (ip: string) => deps.pregreet!.passed(ip) } : {}),
      onConnect: (session, callback) => reply(onConnect(this.ctx, session), callback, session),
      onSecure: (socket, session, callback) => {
        const state = stateOf(this.ctx, session);
        state.tls = true;
        state.log.info('tls', { qid: null, protocol: (socket as tls.TLSSocket).getProtocol?.() ?? null, cipher: (socket as tls.TLSSocket).getCipher?.()?.name ?? null, outcome: 'secure' });
        this.hooks.get(session.id)?.onSecure?.(socket);
        callback();
      },
      onAuth: (auth, session, callback) => {
        if (!handlers.onAuth) return callback(new SmtpReplyError('auth_unavailable', { code: 502, enhanced: '5.5.1', text: 'Error: AUTH not available' }));
        // A ban refuses the right password too; the client may have connected before it began.
        if (deps.bans?.isBanned(stateOf(this.ctx, session).remoteAddress)) {
          stateOf(this.ctx, session).log.info('auth refused, address banned', { qid: null, method: auth.method, outcome: 'banned' });
          return callback(new SmtpReplyError('auth_banned', { code: 454, enhanced: '4.7.0', text: 'Too many failed logins from your address, try again later' }));
        }
        reply(handlers.onAuth(this.ctx, auth, session).then((user) => ({ user })), callback, session);
      },
      onMailFrom: (address, session, callback) => reply(handlers.onMailFrom(this.ctx, address, session), callback, session),
      onRcptTo: (address, session, callback) => reply(handlers.onRcptTo(this.ctx, address, session), callback, session),
      onData: (stream, session, callback) => reply(handlers.onData(this.ctx, stream, session), callback, session),
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
