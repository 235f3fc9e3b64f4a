// The websocket at /api/v1/events: live metrics, log lines, queue changes, deliveries, alerts
// and jobs, each message a JSON object whose `type` names its channel (ui/shared/ws-messages.ts).
// The upgrade is refused like any other request without a session (401), from a foreign
// origin (403), or at another path (404), before any websocket exists. A socket closes when
// its session ends (logout, timeout, admin removed). A client that cannot keep up loses
// messages instead of growing the agent's memory: the panel re-reads the REST resources when
// it reconnects or notices a gap.

import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger, type Logger } from '../../core/log.js';
import { isWsChannel, WS_CHANNELS, type WsChannel, type WsMessage } from '../shared/ws-messages.js';
import { checkOrigin } from './auth/origin-policy.js';
import { sessionToken } from './auth/session-cookie.js';
import type { Session, SessionStore } from './auth/session-store.js';
import type { AdminAccounts } from './deps.js';

export const EVENTS_PATH = '/api/v1/events';

/** Close code for "your session is over; log in again" (4000-4999 are the application's). */
export const CLOSE_SESSION_ENDED = 4401;

export interface WsHubOptions {
  sessions: SessionStore;
  admins: Pick<AdminAccounts, 'get'>;
  logger?: Logger;
  /** A client with more than this many bytes unsent gets no further messages until it drains. */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

interface Client {
  sessionId: string;
  channels: Set<WsChannel>;
  alive: boolean;
}

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly clients = new Map<WebSocket, Client>();
  private readonly logger: Logger;
  private readonly maxBuffered: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly stopListening: () => void;
  private dropped = 0;

  constructor(private readonly options: WsHubOptions) {
    this.logger = options.logger ?? silentLogger;
    this.maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.stopListening = options.sessions.onEnd((s) => this.closeSession(s.id));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** For the HTTPS server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'https://agent.invalid').pathname;
    if (pathname !== EVENTS_PATH) { refuse(socket, 404, 'not_found', 'no websocket here'); return; }
    const origin = checkOrigin(req.headers);
    if (!origin.ok) { refuse(socket, 403, 'foreign_origin', `refused: ${origin.reason}`); return; }
    const session = this.sessionOf(req);
    if (!session) { refuse(socket, 401, 'unauthenticated', 'log in first'); return; }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.add(ws, session));
  }

  publish(message: WsMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const [ws, client] of this.clients) {
      if (!client.channels.has(message.type) || ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > this.maxBuffered) { this.dropped++; continue; }
      ws.send(text);
    }
  }

  closeSession(sessionId: string): void {
    for (const [ws, client] of this.clients) if (client.sessionId === sessionId) ws.close(CLOSE_SESSION_ENDED, 'session ended');
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.stopListening();
    for (const ws of this.clients.keys()) ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private sessionOf(req: IncomingMessage): Session | null {
    const token = sessionToken(req.headers.cookie);
    const session = token ? this.options.sessions.use(token) : null;
    if (!session || !this.options.admins.get(session.username)) return null;
    return session;
  }

  private add(ws: WebSocket, session: Session): void {
    const client: Client = { sessionId: session.id, channels: new Set(WS_CHANNELS), alive: true };
    this.clients.set(ws, client);
    ws.on('pong', () => { client.alive = true; });
    ws.on('message', (data, isBinary) => this.onClientMessage(client, isBinary ? null : data.toString()));
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => ws.terminate());
    this.logger.debug('websocket opened', { admin: session.username, clients: this.clients.size });
  }

  /** {type: 'subscribe', channels: [...]}: anything else is ignored. */
  private onClientMessage(client: Client, text: string | null): void {
    if (text === null) return;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    const m = msg as { type?: unknown; channels?: unknown };
    if (m?.type === 'subscribe' && Array.isArray(m.channels)) client.channels = new Set(m.channels.filter(isWsChannel));
  }

  private beat(): void {
    if (this.dropped > 0) {
      this.logger.warn('websocket messages dropped for slow clients', { dropped: this.dropped });
      this.dropped = 0;
    }
    for (const [ws, client] of this.clients) {
      if (!this.options.sessions.peekById(client.sessionId)) { ws.close(CLOSE_SESSION_ENDED, 'session ended'); continue; }
      if (!client.alive) { ws.terminate(); continue; }
      client.alive = false;
      ws.ping();
    }
  }
}

/** An HTTP answer on the raw socket of a refused upgrade: the same JSON errors as the REST API. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`);
}
