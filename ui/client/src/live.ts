// The websocket at /api/v1/events: one connection for the whole panel, fanned out to the pages
// that listen. It reconnects with exponential backoff (1 s doubling to 30 s, with jitter so a
// restarted agent is not hit by every open panel at once); after a reconnect, `onReconnect`
// listeners re-read their REST resources, because the hub drops messages rather than queue them.

import { WS_CHANNELS, type WsMessage } from '../../shared/ws-messages.js';

export type LiveState = 'connecting' | 'open' | 'closed';
type Listener = (message: WsMessage) => void;

/** The agent closes with this code when the session ended (see ui/server/ws-hub.ts). */
const CLOSE_SESSION_ENDED = 4401;
const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

export class LiveFeed {
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(s: LiveState) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private delay = MIN_DELAY_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private everOpened = false;
  state: LiveState = 'closed';

  constructor(private readonly onSessionEnded: () => void) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.close(1000, 'logged out');
    this.ws = null;
    this.everOpened = false;
    this.setState('closed');
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (s: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private connect(): void {
    this.setState('connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.delay = MIN_DELAY_MS;
      ws.send(JSON.stringify({ type: 'subscribe', channels: [...WS_CHANNELS] }));
      this.setState('open');
      if (this.everOpened) for (const l of this.reconnectListeners) l();
      this.everOpened = true;
    };
    ws.onmessage = (event: MessageEvent) => {
      let message: WsMessage;
      try {
        message = JSON.parse(String(event.data)) as WsMessage;
      } catch {
        return;
      }
      for (const l of this.listeners) l(message);
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (event.code === CLOSE_SESSION_ENDED) { this.stop(); this.onSessionEnded(); return; }
      this.setState('closed');
      const wait = this.delay * (0.75 + Math.random() / 2);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
      this.timer = setTimeout(() => { this.timer = null; if (!this.stopped) this.connect(); }, wait);
    };
  }

  private setState(state: LiveState): void {
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }
}
