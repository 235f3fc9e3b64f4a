// Carries the mail daemon's live events (GET /v1/events on its control socket) onto the
// websocket's channels: log lines to `logs`, queue changes to `queue`, deliveries to
// `deliveries`. Reconnects with a growing pause (1 s to 30 s) while the daemon is down or
// restarting; the panel sees a gap, never a stale stream.

import { silentLogger, type Logger } from '../core/log.js';
import type { EventSubscription, MailControl } from '../mail/control/control-client.js';
import type { ControlEvent } from '../mail/control/control-protocol.js';
import type { DeliveryEvent } from '../ui/shared/api-types.js';
import type { WsMessage } from '../ui/shared/ws-messages.js';

export function toWsMessage(event: ControlEvent): WsMessage | null {
  switch (event.type) {
    case 'log': return { type: 'logs', line: event.line };
    case 'queue': return { type: 'queue', summary: event.summary, time: event.time };
    case 'delivery': {
      const e = event.event;
      if (e.type === 'attempt' || e.type === 'error') return null;
      return { type: 'deliveries', delivery: e satisfies DeliveryEvent, time: event.time };
    }
    default: return null;
  }
}

export class ControlBridge {
  private subscription: EventSubscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private delayMs: number;
  private running = false;
  private readonly logger: Logger;

  constructor(private readonly options: { control: Pick<MailControl, 'subscribe'>; publish: (message: WsMessage) => void; logger?: Logger; minDelayMs?: number; maxDelayMs?: number }) {
    this.logger = options.logger ?? silentLogger;
    this.minDelayMs = options.minDelayMs ?? 1000;
    this.maxDelayMs = Math.max(this.minDelayMs, options.maxDelayMs ?? 30_000);
    this.delayMs = this.minDelayMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.subscription?.close();
    this.subscription = null;
  }

  private connect(): void {
    if (!this.running) return;
    let received = false;
    this.subscription = this.options.control.subscribe(
      (event) => {
        if (!received) { received = true; this.delayMs = this.minDelayMs; this.logger.info('following the mail daemon\'s events'); }
        const message = toWsMessage(event);
        if (message) this.options.publish(message);
      },
      (err) => {
        this.subscription = null;
        if (!this.running) return;
        if (received) this.logger.warn('mail daemon event stream ended', { err });
        this.timer = setTimeout(() => this.connect(), this.delayMs);
        this.timer.unref();
        this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
      },
    );
  }
}
