// Watches the bytes a client sends on one socket (the plain one, then the TLS one after
// STARTTLS) next to the replies we send, and reports a client that sent anything after DATA
// before our 354 (see protocol/smtp/pipelining-tracker.ts). Our 'data' listener is put in front
// of smtp-server's, so a chunk is judged before smtp-server parses it.

import type { Duplex } from 'node:stream';
import { PipeliningTracker } from '../protocol/smtp/pipelining-tracker.js';

export class ClientWatch {
  readonly tracker: PipeliningTracker;
  private readonly onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    if (this.tracker.client(bytes) === 'early-data' && !this.reported) {
      this.reported = true;
      this.onEarlyData();
    }
  };
  private reported = false;

  constructor(private readonly socket: Duplex, private readonly onEarlyData: () => void, options: { greeted?: boolean } = {}) {
    this.tracker = new PipeliningTracker(options);
    socket.prependListener('data', this.onData);
  }

  /** A reply went out; after an accepted STARTTLS the plain socket is no longer watched. */
  reply(code: number): void {
    this.tracker.server(code);
    if (this.tracker.currentMode === 'tls') this.detach();
  }

  get idle(): boolean {
    return this.tracker.idle;
  }

  detach(): void {
    this.socket.off('data', this.onData);
  }
}
