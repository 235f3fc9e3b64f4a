// Outbound connection reuse (Postfix's connection cache): after a transaction, a session that is
// in a clean state is kept open for a short while, and the next attempt to the same place sends
// its MAIL FROM over it instead of connecting, greeting, STARTTLS and AUTH again.
//
// A session is only ever reused for exactly what it was opened for: the key holds the destination
// (recipient domain or smarthost), the address, port and host name (TLS server name and the name
// the certificate was checked against), the TLS mode (so a session that was opportunistic never
// carries mail whose MTA-STS policy asks for verified TLS, and the other way round), implicit
// TLS, the AUTH user and the HELO name.
//
// Limits: `maxTransactions` per session, `maxAgeMs` since it was opened, `idleTimeoutMs` unused
// before QUIT, `maxIdle` sessions kept in all (the oldest idle one goes first).
//
// Failure on a reused session: when the server had closed it meanwhile (or says 421) and not a
// byte of the message went out, nothing can have been delivered, so the message goes at once over
// a fresh session (the other idle sessions of that key are dropped too: they are likely as stale).
// Once the body started, the outcome stands as for any session: a lost connection is a temporary
// failure and the queue retries on its schedule (the RFC 1047 window, as for a fresh session).

import type { ConnectionOptions } from 'node:tls';
import {
  closeHostSession, openHostSession, resetHostSession, runTransaction,
  type HostDeliveryRequest, type HostDeliveryResult, type HostSession, type TransactionResult,
} from './smtp-delivery.js';

export interface ConnectionCacheOptions {
  /** Transactions per session before QUIT (Postfix has no count limit by default, only time). */
  maxTransactions?: number;
  /** A session is not reused once it is this old (Postfix: smtp_connection_reuse_time_limit = 300s). */
  maxAgeMs?: number;
  /** QUIT after this long unused (Postfix: smtp_connection_cache_time_limit = 2s). */
  idleTimeoutMs?: number;
  /** Idle sessions kept over all destinations. */
  maxIdle?: number;
  now?: () => number;
  /** The session primitives; tests replace them. */
  open?: typeof openHostSession;
}

export const DEFAULT_CONNECTION_CACHE = { maxTransactions: 100, maxAgeMs: 300_000, idleTimeoutMs: 2000, maxIdle: 200 };

/** A delivery request and the destination it is for (the recipient domain or the smarthost). */
export type CachedDeliveryRequest = HostDeliveryRequest & { destination: string };

interface IdleSession {
  key: string;
  session: HostSession;
  timer: NodeJS.Timeout;
}

export class SmtpConnectionCache {
  private readonly idle = new Map<string, IdleSession[]>();
  private idleCount = 0;
  private readonly opts: typeof DEFAULT_CONNECTION_CACHE;
  private readonly now: () => number;
  private readonly open: typeof openHostSession;
  private readonly tlsOptionIds = new WeakMap<ConnectionOptions, number>();
  private closing = false;
  /** The idle entry of a session while it is idle, for its 'end' listener. */
  private readonly idleEntryOf = new WeakMap<HostSession, IdleSession>();
  private readonly watched = new WeakSet<HostSession>();
  /** Sessions opened, transactions over a reused session, reused sessions found dead. Tests and logs read them. */
  readonly stats = { opened: 0, reused: 0, staleRetries: 0 };

  constructor(options: ConnectionCacheOptions = {}) {
    this.opts = {
      maxTransactions: options.maxTransactions ?? DEFAULT_CONNECTION_CACHE.maxTransactions,
      maxAgeMs: options.maxAgeMs ?? DEFAULT_CONNECTION_CACHE.maxAgeMs,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_CONNECTION_CACHE.idleTimeoutMs,
      maxIdle: options.maxIdle ?? DEFAULT_CONNECTION_CACHE.maxIdle,
    };
    this.now = options.now ?? Date.now;
    this.open = options.open ?? openHostSession;
  }

  /** Idle sessions held now. */
  get idleSessions(): number {
    return this.idleCount;
  }

  /** Delivers over an idle session of the same key when there is one, else over a new one. */
  async deliver(req: CachedDeliveryRequest): Promise<HostDeliveryResult> {
    const key = this.keyOf(req);
    const reused = this.take(key);
    if (reused) {
      this.stats.reused++;
      const result = await runTransaction(reused, req);
      if (!result.untouched) {
        await this.release(key, reused, result);
        return { kind: 'transaction', outcomes: result.outcomes, tls: result.tls };
      }
      // Gone while idle: nothing was sent; drop it and its siblings, go fresh.
      this.stats.staleRetries++;
      closeHostSession(reused);
      this.drop(key);
    }
    const opened = await this.open(req);
    if (opened.kind === 'unreachable') return opened;
    this.stats.opened++;
    const result = await runTransaction(opened.session, req);
    await this.release(key, opened.session, result);
    return { kind: 'transaction', outcomes: result.outcomes, tls: result.tls };
  }

  /** QUITs every idle session; later releases close at once. For shutdown. */
  close(): void {
    this.closing = true;
    for (const key of [...this.idle.keys()]) this.drop(key);
  }

  private keyOf(req: CachedDeliveryRequest): string {
    // Extra TLS options (trusted CAs) are told apart by object: the same options, the same id.
    let tlsOptionsId = 0;
    if (req.tlsOptions) {
      tlsOptionsId = this.tlsOptionIds.get(req.tlsOptions) ?? nextTlsOptionsId++;
      this.tlsOptionIds.set(req.tlsOptions, tlsOptionsId);
    }
    return JSON.stringify([req.destination, req.address, req.port, req.hostName.toLowerCase(), req.tls, req.implicitTls ?? false,
      req.auth?.user ?? null, req.heloName, tlsOptionsId]);
  }

  /** The most recently used live idle session of `key` (LIFO: the older ones time out). */
  private take(key: string): HostSession | null {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const entry = list.pop()!;
      this.idleCount--;
      clearTimeout(entry.timer);
      this.idleEntryOf.delete(entry.session);
      if (list.length === 0) this.idle.delete(key);
      if (!entry.session.closed && this.fresh(entry.session)) {
        refSocket(entry.session, true);
        return entry.session;
      }
      closeHostSession(entry.session);
    }
    return null;
  }

  private fresh(session: HostSession): boolean {
    return session.transactions < this.opts.maxTransactions && this.now() - session.openedAt < this.opts.maxAgeMs;
  }

  private async release(key: string, session: HostSession, result: Pick<TransactionResult, 'reusable' | 'needsReset'>): Promise<void> {
    let keep = result.reusable && !session.closed && this.fresh(session) && !this.closing && this.opts.idleTimeoutMs > 0;
    // A refused transaction leaves the MAIL FROM state behind: RSET, and keep it only if that worked.
    if (keep && result.needsReset) keep = await resetHostSession(session);
    if (!keep || this.closing) {
      closeHostSession(session);
      return;
    }
    const entry: IdleSession = { key, session, timer: setTimeout(() => this.expire(entry), this.opts.idleTimeoutMs) };
    entry.timer.unref();
    // An idle session must not keep the process alive on its own.
    refSocket(session, false);
    const list = this.idle.get(key) ?? [];
    list.push(entry);
    this.idle.set(key, list);
    this.idleCount++;
    this.idleEntryOf.set(session, entry);
    // One listener per session (not per release: a session is released up to maxTransactions times).
    if (!this.watched.has(session)) {
      this.watched.add(session);
      session.conn.once('end', () => { const current = this.idleEntryOf.get(session); if (current) this.remove(current); });
    }
    while (this.idleCount > this.opts.maxIdle) this.evictOldest();
  }

  private expire(entry: IdleSession): void {
    if (this.remove(entry)) closeHostSession(entry.session);
  }

  /** Takes `entry` out of the idle lists; false when it was no longer there. */
  private remove(entry: IdleSession): boolean {
    const list = this.idle.get(entry.key);
    const i = list ? list.indexOf(entry) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    if (list!.length === 0) this.idle.delete(entry.key);
    this.idleEntryOf.delete(entry.session);
    this.idleCount--;
    clearTimeout(entry.timer);
    return true;
  }

  private drop(key: string): void {
    for (const entry of [...(this.idle.get(key) ?? [])]) this.expire(entry);
  }

  private evictOldest(): void {
    let oldest: IdleSession | null = null;
    for (const list of this.idle.values()) if (list[0] && (!oldest || list[0].session.openedAt < oldest.session.openedAt)) oldest = list[0];
    if (oldest) this.expire(oldest);
  }
}

let nextTlsOptionsId = 1;

/** SMTPConnection keeps its socket private; unref it while idle so shutdown is not held up by it. */
function refSocket(session: HostSession, ref: boolean): void {
  const socket = (session.conn as unknown as { _socket?: { ref?: () => void; unref?: () => void } })._socket;
  if (ref) socket?.ref?.();
  else socket?.unref?.();
}
