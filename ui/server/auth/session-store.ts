// Admin sessions, in the agent's memory: a restart of the agent signs everyone out, which is
// acceptable for a one-admin appliance and means no session secret ever reaches the disk. The
// cookie carries a random 256-bit token; only its SHA-256 is kept here, so the table cannot be
// replayed from a memory dump. A session ends after `idleTimeoutMs` without a request, after
// `maxAgeMs` in any case, at logout, and when its admin is removed.

import { createHash, randomBytes } from 'node:crypto';

export interface Session {
  /** SHA-256 of the token, hex: the session's id in logs and for the websocket hub. */
  id: string;
  username: string;
  ip: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionStoreOptions {
  idleTimeoutMs: number;
  maxAgeMs: number;
  now?: () => number;
  /** At most this many live sessions; the least recently used go first. */
  maxSessions?: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly endListeners = new Set<(session: Session) => void>();
  private readonly now: () => number;
  private readonly maxSessions: number;

  constructor(private readonly options: SessionStoreOptions) {
    this.now = options.now ?? Date.now;
    this.maxSessions = options.maxSessions ?? 1000;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Called when a session ends for any reason (the websocket hub closes its sockets). */
  onEnd(listener: (session: Session) => void): () => void {
    this.endListeners.add(listener);
    return () => { this.endListeners.delete(listener); };
  }

  create(username: string, ip: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const session: Session = { id: hash(token), username, ip, createdAt: at, lastSeenAt: at, expiresAt: at + this.options.maxAgeMs };
    this.sessions.set(session.id, session);
    while (this.sessions.size > this.maxSessions) this.end(this.sessions.values().next().value!);
    return { token, session };
  }

  /** The live session for a token, refreshed (a request is activity); null when unknown or over. */
  use(token: string): Session | null {
    const session = this.peek(token);
    if (!session) return null;
    session.lastSeenAt = this.now();
    // Map order is least recently used first, for the eviction in create().
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session for a token without counting it as activity. */
  peek(token: string): Session | null {
    return this.peekById(hash(token));
  }

  peekById(id: string): Session | null {
    const session = this.sessions.get(id);
    if (!session) return null;
    const at = this.now();
    if (at >= session.expiresAt || at - session.lastSeenAt >= this.options.idleTimeoutMs) {
      this.end(session);
      return null;
    }
    return session;
  }

  destroy(token: string): Session | null {
    const session = this.sessions.get(hash(token)) ?? null;
    if (session) this.end(session);
    return session;
  }

  destroyUser(username: string): number {
    let n = 0;
    for (const s of [...this.sessions.values()]) if (s.username === username) { this.end(s); n++; }
    return n;
  }

  /** Ends sessions that are over; returns how many. */
  sweep(): number {
    let n = 0;
    for (const s of [...this.sessions.values()]) if (!this.peekById(s.id)) n++;
    return n;
  }

  private end(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    for (const l of this.endListeners) l(session);
  }
}
